import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './commands/demo';
import { runInfo } from './commands/info';

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

  program
    .command('info')
    .description('list the backends available here, and why the others are not')
    .action(async () => runInfo(print));

  return program;
}
