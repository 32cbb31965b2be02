import type { KafkaMessage } from 'kafkajs';
import { commandsOf } from './ingest-consumer';
import { readIngestMessage } from './ingest-message';

const message = (offset: number, value: unknown): { message: KafkaMessage; read: ReturnType<typeof readIngestMessage> } => {
  const kafkaMessage = {
    offset: String(offset),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    key: null,
    timestamp: '0',
    attributes: 0,
    headers: {},
  } as KafkaMessage;
  return { message: kafkaMessage, read: readIngestMessage(kafkaMessage) };
};
const offsetsOf = (commands: Array<Array<{ message: KafkaMessage }>>) => commands.map((c) => c.map((m) => Number(m.message.offset)));

describe('commandsOf', () => {
  it('cuts a batch, in order, at the size limit', () => {
    const batch = Array.from({ length: 5 }, (_, i) => message(i, { source: '/s', id: `e${i}` }));
    expect(offsetsOf([...commandsOf(batch, 2)])).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('starts a new command where a (source, id) repeats, so the resend meets the stored event', () => {
    const batch = [
      message(0, { source: '/s', id: 'a' }),
      message(1, { source: '/t', id: 'a' }),
      message(2, 'not json'),
      message(3, { source: '/s', id: 'a' }),
      message(4, { source: '/s', id: 'b' }),
    ];
    expect(offsetsOf([...commandsOf(batch, 1000)])).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });
});
