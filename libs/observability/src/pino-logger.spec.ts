import { Writable } from 'node:stream';
import { withCorrelation } from './correlation';
import { createPino, PinoLoggerService } from './pino-logger';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('pino logger', () => {
  it('writes JSON with the correlation id and redacts secrets and message text', () => {
    const out = capture();
    const logger = new PinoLoggerService(createPino('debug', out.stream));
    withCorrelation('req-42', () => {
      logger.log({ event: 'x', token: 'eyJhbGciOi.secret', body: { text: 'my card number is 4111' }, headers: { authorization: 'Bearer abc' }, text: 'hello' }, 'Test');
    });
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', logger: 'Test', correlationId: 'req-42', event: 'x', token: '[redacted]', body: '[redacted]', text: '[redacted]' });
    expect(JSON.stringify(line)).not.toMatch(/4111|abc|eyJhbGciOi/);
  });

  it('keeps plain messages and levels', () => {
    const out = capture();
    const logger = new PinoLoggerService(createPino('info', out.stream));
    logger.debug('hidden');
    logger.warn('careful', 'Ctx');
    expect(out.lines()).toEqual([expect.objectContaining({ level: 'warn', msg: 'careful', logger: 'Ctx' })]);
  });

  it("moves Nest's route and module listing to debug, and keeps its start-up line at info", () => {
    const out = capture();
    const logger = new PinoLoggerService(createPino('info', out.stream));
    logger.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    logger.log('HealthController {/health}:', 'RoutesResolver');
    logger.log('OpsModule dependencies initialized', 'InstanceLoader');
    logger.log('ConsoleGateway subscribed to the "send" message', 'WebSocketsController');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(out.lines()).toEqual([expect.objectContaining({ level: 'info', logger: 'NestApplication' })]);

    const verbose = capture();
    new PinoLoggerService(createPino('debug', verbose.stream)).log('Mapped {/health/live, GET} route', 'RouterExplorer');
    expect(verbose.lines()).toEqual([expect.objectContaining({ level: 'debug', logger: 'RouterExplorer', msg: 'Mapped {/health/live, GET} route' })]);
  });
});
