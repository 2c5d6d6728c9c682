import { nodeProject } from '../../vitest.shared';

export default nodeProject('backend-webgl');
