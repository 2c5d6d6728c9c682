import { describeReadmeExamples } from '../../../tools/readme-examples';

describeReadmeExamples(new URL('../README.md', import.meta.url), new URL('./', import.meta.url), 1);
