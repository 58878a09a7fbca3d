import { GREETING, ScriptedBot } from './scripted-bot.service';
import { analyzeTone } from './tone.analyzer';

describe('ScriptedBot', () => {
  const bot = new ScriptedBot();

  it.each([
    ['hello', { kind: 'reply', text: GREETING }],
    ['Hi!', { kind: 'reply', text: GREETING }],
    ['hello, I need an agent', { kind: 'agent-transfer' }],
    ['let me talk to a HUMAN', { kind: 'agent-transfer' }],
    ['Book a cab to the airport', { kind: 'webhook', componentName: 'BookTheCab' }],
    ['run the webhook', { kind: 'webhook', componentName: 'BookTheCab' }],
    ['agenda for today', { kind: 'reply', text: 'You said: agenda for today' }],
    ['<b>bold</b>', { kind: 'reply', text: 'You said: <b>bold</b>' }],
  ])('%j → %j', (text, turn) => {
    expect(bot.turn(text)).toEqual(turn);
  });

  it('takes its webhook phrases from configuration, longest first', () => {
    const custom = new ScriptedBot({ order: 'OrderPizza', 'order status': 'OrderStatus' });
    expect(custom.turn('what is my order status')).toEqual({ kind: 'webhook', componentName: 'OrderStatus' });
    expect(custom.turn('order a pizza')).toEqual({ kind: 'webhook', componentName: 'OrderPizza' });
    expect(custom.turn('book a cab')).toEqual({ kind: 'reply', text: 'You said: book a cab' });
  });
});

describe('analyzeTone', () => {
  it.each([
    ['this is terrible', { name: 'angry', level: 2 }],
    ['I HATE THIS', { name: 'angry', level: 3 }],
    ['worst bot ever!!!', { name: 'angry', level: 3 }],
    ['thanks a lot', { name: 'joy', level: 1 }],
    ['what are your hours', undefined],
    ['OK', undefined],
  ])('%j → %j', (text, tone) => {
    expect(analyzeTone(text)).toEqual(tone);
  });
});
