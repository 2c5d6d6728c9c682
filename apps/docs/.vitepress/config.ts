import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'Strata',
  description: 'Deep learning for TypeScript: tensors, autograd, layers and a model zoo on WebGPU, WebGL and the CPU.',
  cleanUrls: true,
  // Examples import @strata/* packages straight from their TypeScript source.
  vite: { resolve: { conditions: ['@strata/source'] }, ssr: { resolve: { conditions: ['@strata/source'] } } },
  themeConfig: {
    nav: [{ text: 'Guide', link: '/guide/first-steps' }],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'First steps', link: '/guide/first-steps' },
          { text: 'Tensors', link: '/guide/tensors' },
          { text: 'Gradients', link: '/guide/autograd' },
          { text: 'Backends', link: '/guide/backends' },
          { text: 'Training a network', link: '/guide/training' },
          { text: 'Pretrained models', link: '/guide/pretrained' },
        ],
      },
    ],
  },
});
