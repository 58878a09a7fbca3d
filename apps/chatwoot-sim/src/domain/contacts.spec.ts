import { ChatwootSim } from '../chatwoot-sim.facade';
import { api } from '../testing/spec-http.client';

describe('Chatwoot sandbox: contacts', () => {
  let sim: ChatwootSim;

  beforeAll(async () => {
    sim = new ChatwootSim();
    await sim.start();
  });
  afterAll(() => sim.stop());

  it('creates a contact with its contact inbox and answers payload.contact + contact_inbox', async () => {
    const res = await api(sim, 'POST', '/contacts', { inbox_id: 1, name: 'Ada', identifier: 'kore-ada', email: 'ADA@example.com', source_id: 'src-ada' });
    expect(res.status).toBe(200);
    const { contact, contact_inbox } = res.json.payload;
    expect(contact).toMatchObject({ name: 'Ada', identifier: 'kore-ada', email: 'ada@example.com', phone_number: null, blocked: false, availability_status: 'offline' });
    expect(contact.contact_inboxes).toEqual([{ source_id: 'src-ada', inbox: expect.objectContaining({ id: 1, channel_type: 'Channel::Api' }) }]);
    expect(contact_inbox).toEqual({ inbox: expect.objectContaining({ id: 1 }), source_id: 'src-ada' });
  });

  it('makes up a uuid source id, and answers null contact_inbox fields without an inbox', async () => {
    const withInbox = await api(sim, 'POST', '/contacts', { inbox_id: 1, name: 'Bo' });
    expect(withInbox.json.payload.contact_inbox.source_id).toMatch(/^[0-9a-f-]{36}$/);
    const without = await api(sim, 'POST', '/contacts', { name: 'Cy' });
    expect(without.json.payload.contact_inbox).toEqual({ inbox: null, source_id: null });
  });

  it('refuses what the Contact model refuses, in the record-invalid shape', async () => {
    await api(sim, 'POST', '/contacts', { name: 'Dup', identifier: 'dup-1', email: 'dup@example.com', phone_number: '+15550001' });
    expect((await api(sim, 'POST', '/contacts', { identifier: 'dup-1' })).json).toEqual({ message: 'Identifier has already been taken', attributes: ['identifier'] });
    expect((await api(sim, 'POST', '/contacts', { email: 'DUP@example.com' })).json).toEqual({ message: 'Email has already been taken', attributes: ['email'] });
    const bad = await api(sim, 'POST', '/contacts', { email: 'not an email', phone_number: '555' });
    expect(bad.status).toBe(422);
    expect(bad.json).toEqual({ message: 'Email Invalid email, Phone number should be in e164 format', attributes: ['email', 'phone_number'] });
    expect((await api(sim, 'POST', '/contacts', { custom_attributes: 'x' })).status).toBe(422);
  });

  it('answers 404 for an unknown inbox and keeps no contact from that request', async () => {
    const res = await api(sim, 'POST', '/contacts', { inbox_id: 42, identifier: 'ghost' });
    expect(res.status).toBe(404);
    expect((await api(sim, 'GET', '/contacts/search?q=ghost')).json.payload).toEqual([]);
  });

  it('searches by name, email, phone and identifier, and wants q', async () => {
    await api(sim, 'POST', '/contacts', { inbox_id: 1, name: 'Searchable Sam', identifier: 'kore-sam' });
    const found = await api(sim, 'GET', '/contacts/search?q=kore-sam');
    expect(found.json.meta).toEqual({ count: 1, current_page: 1 });
    expect(found.json.payload[0]).toMatchObject({ name: 'Searchable Sam', contact_inboxes: [expect.objectContaining({ source_id: expect.any(String) })] });
    expect((await api(sim, 'GET', '/contacts/search?q=searchable')).json.payload).toHaveLength(1);
    const missing = await api(sim, 'GET', '/contacts/search');
    expect(missing.status).toBe(422);
    expect(missing.json).toEqual({ error: 'Specify search string with parameter q' });
  });

  it('shows a contact and adds contact inboxes, refusing a source id the inbox already has', async () => {
    const created = await api(sim, 'POST', '/contacts', { name: 'Eve' });
    const id = created.json.payload.contact.id;
    expect((await api(sim, 'GET', `/contacts/${id}`)).json.payload).toMatchObject({ id, name: 'Eve', contact_inboxes: [] });
    expect((await api(sim, 'GET', '/contacts/9999')).status).toBe(404);
    const added = await api(sim, 'POST', `/contacts/${id}/contact_inboxes`, { inbox_id: 1, source_id: 'eve-1' });
    expect(added.json).toEqual({ source_id: 'eve-1', inbox: expect.objectContaining({ id: 1 }) });
    expect((await api(sim, 'POST', `/contacts/${id}/contact_inboxes`, { inbox_id: 1, source_id: 'eve-1' })).status).toBe(422);
    expect((await api(sim, 'POST', `/contacts/${id}/contact_inboxes`, { inbox_id: 5 })).status).toBe(404);
  });
});
