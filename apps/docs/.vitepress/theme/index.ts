import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import RunnableExample from './RunnableExample.vue';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunnableExample', RunnableExample);
  },
};

export default theme;
