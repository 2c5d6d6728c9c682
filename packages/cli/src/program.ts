import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from './commands/backend';
import { runDemo } from './commands/demo';
import { runInfo } from './commands/info';
import { runEval, runPredict } from './commands/predict';
import { runTrain } from './commands/train';

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** The `strata` command line. Errors in arguments exit with code 2 and a clear message. */
export function createProgram(print: (line: string) => void = console.log): Command {
  const program = new Command('strata')
    .description('Strata: deep learning for TypeScript')
    .showHelpAfterError()
    .exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
        throw error;
      throw Object.assign(error, { exitCode: 2 });
    });

  program
    .command('demo')
    .description('train logistic regression on two seeded Gaussian blobs with hand-written gradients (core only)')
    .option('--steps <n>', 'gradient-descent steps', integer('--steps', 1), 200)
    .option('--lr <rate>', 'learning rate', positive, 0.5)
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--samples <n>', 'number of points (two blobs)', integer('--samples', 2), 1000)
    .action(async (options: { steps: number; lr: number; seed: number; samples: number }) => {
      await runDemo(options, print);
    });

  const models = ['lenet'];
  const modelArgument = (value: string): string => {
    if (!models.includes(value)) throw new InvalidArgumentError(`unknown model '${value}'; available: ${models.join(', ')}`);
    return value;
  };
  const backendOption = () =>
    new Option('--backend <name>', 'compute backend').choices([...BACKEND_CHOICES]).default('auto' as BackendChoice);

  program
    .command('train')
    .description('train a model (LeNet-5 on MNIST) with Adam, a progress bar, per-epoch test accuracy and checkpoints')
    .argument('<model>', `model to train (${models.join(', ')})`, modelArgument)
    .option('--epochs <n>', 'epochs', integer('--epochs', 1), 1)
    .option('--batch-size <n>', 'batch size', integer('--batch-size', 1), 64)
    .option('--lr <rate>', 'peak learning rate (of the warm-up + cosine schedule)', positive, 4e-3)
    .addOption(backendOption())
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--out <file>', 'weights file (the checkpoint goes to <file>.ckpt)', 'lenet.safetensors')
    .option('--resume <checkpoint>', 'continue from a checkpoint written by an earlier run')
    .option('--limit <n>', 'train on the first n images only', integer('--limit', 1))
    .option('--test-limit <n>', 'evaluate on the first n test images only', integer('--test-limit', 1))
    .addOption(
      new Option('--schedule <kind>', 'learning-rate schedule: warm-up + cosine decay, or constant')
        .choices(['cosine', 'constant'])
        .default('cosine'),
    )
    .option('--warmup <fraction>', 'fraction of steps spent warming up', positive, 0.05)
    .action(
      async (
        _model: string,
        options: {
          epochs: number;
          batchSize: number;
          lr: number;
          backend: BackendChoice;
          seed: number;
          out: string;
          resume?: string;
          limit?: number;
          testLimit?: number;
          schedule: 'cosine' | 'constant';
          warmup: number;
        },
      ) => {
        await runTrain(options, print);
      },
    );

  program
    .command('eval')
    .description('test-set accuracy of a trained model (default: the weights shipped with @strata/zoo)')
    .argument('<model>', `model (${models.join(', ')})`, modelArgument)
    .option('--weights <file>', 'safetensors weights to evaluate')
    .addOption(backendOption())
    .option('--test-limit <n>', 'evaluate on the first n test images only', integer('--test-limit', 1))
    .action(async (_model: string, options: { weights?: string; backend: BackendChoice; testLimit?: number }) => {
      await runEval(options, print);
    });

  program
    .command('predict')
    .description('classify a digit image (PNG or PGM)')
    .argument('<model>', `model (${models.join(', ')})`, modelArgument)
    .argument('<image>', 'image file')
    .option('--weights <file>', 'safetensors weights (default: the shipped ones)')
    .addOption(backendOption())
    .action(async (_model: string, image: string, options: { weights?: string; backend: BackendChoice }) => {
      await runPredict(image, options, print);
    });

  program
    .command('info')
    .description('list the backends available here, and why the others are not')
    .action(async () => runInfo(print));

  return program;
}
