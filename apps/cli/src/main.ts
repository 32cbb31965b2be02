import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { collectGarbageSooner } from '@cx/projection';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  // Every command is batch work over the log, bound in memory (a rebuild beside the server).
  collectGarbageSooner();
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    errorHandler: (error) => {
      // commander reports help and version as errors; they are answers.
      const code = (error as { code?: string }).code ?? '';
      if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') process.exit(0);
      process.stderr.write(`cx: ${error.message}\n`);
      process.exit(2);
    },
    serviceErrorHandler: (error) => {
      process.stderr.write(`cx: ${error.message}\n`);
      process.exit(2);
    },
  });
}

void main();
