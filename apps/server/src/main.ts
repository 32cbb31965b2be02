import 'reflect-metadata';
import { ApiKeyRegistry } from '@cx/access';
import { settingsFromEnvironment } from '@cx/settings';
import { createServer } from './server';

async function main(): Promise<void> {
  const settings = settingsFromEnvironment();
  const app = await createServer(settings);
  await app.listen(settings.port, '0.0.0.0');
  const address = await app.getUrl();
  const generated = app.get(ApiKeyRegistry).takeGenerated();
  const lines = [
    `CX Ledger listening on ${address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')}`,
    `  roles: ${[...settings.roles].join(', ')}; event store: ${settings.eventStore}; data: ${settings.dataDir}`,
    ...(generated.length > 0
      ? [
          '  API keys made on this first start (stored hashed; shown only now):',
          ...generated.map((g) => `    ${g.role.padEnd(8)} ${g.key}`),
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`CX Ledger failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
