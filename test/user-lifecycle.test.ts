/**
 * Who is a user, and for how long: hellos without credentials must not grow the users table
 * forever (issue 8, bug 3), and a returning user with valid credentials is never locked out by
 * someone holding her name (bug 4).
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UNCONFIRMED_USERS } from '../src/main/core/server/features/users.ts';
import { cleanupAll, RawClient, startServer, waitFor } from './support/harness.ts';

afterEach(cleanupAll);

function userCount(dataDir: string): number {
  const db = new DatabaseSync(join(dataDir, 'parley.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function helloAndClose(port: number, name: string): Promise<Record<string, unknown>> {
  const { client, welcome } = await RawClient.hello(port, name);
  client.socket.end();
  await client.waitClosed();
  return welcome;
}

describe('users who never did anything are not kept (bug 3)', () => {
  it('keeps the users table bounded over many connect/hello/close loops', async () => {
    const { server, port, dataDir } = await startServer({ limits: { maxConnectionsPerIp: 4096 } });
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 30 }, (_, i) => helloAndClose(port, `Drive-by ${round}-${i}`)));
    }
    await waitFor(() => server.connectionCount === 0);
    expect(userCount(dataDir)).toBe(MAX_UNCONFIRMED_USERS);
    // A restart does not let them pile up either.
    await server.close();
    const again = await startServer({ dataDir, limits: { maxConnectionsPerIp: 4096 } });
    await Promise.all(Array.from({ length: 50 }, (_, i) => helloAndClose(again.port, `After restart ${i}`)));
    await waitFor(() => again.server.connectionCount === 0);
    expect(userCount(dataDir)).toBe(MAX_UNCONFIRMED_USERS);
  });

  it('keeps a user who sent, joined or received something, and their credentials keep working', async () => {
    const { server, port, dataDir } = await startServer();
    const { client: ada, welcome: adaWelcome } = await RawClient.hello(port, 'Ada');
    const { client: bob, welcome: bobWelcome } = await RawClient.hello(port, 'Bob');
    const { client: cy, welcome: cyWelcome } = await RawClient.hello(port, 'Cy');
    const created = await ada.request({ type: 'room_create', name: 'Lobby' });
    const roomId = (created['data'] as { room: { id: string } }).room.id;
    expect((await bob.request({ type: 'room_join', room: roomId })).type).toBe('result');
    const cyId = (cyWelcome['user'] as { id: string }).id;
    expect((await ada.request({ type: 'send', user: cyId, msgId: 'dm-1', text: 'hi Cy' })).type).toBe('result');
    for (const c of [ada, bob, cy]) c.socket.end();
    await waitFor(() => server.connectionCount === 0);
    expect(userCount(dataDir)).toBe(3);

    for (const welcome of [adaWelcome, bobWelcome, cyWelcome]) {
      const credentials = welcome['credentials'] as { userId: string; token: string };
      const again = await RawClient.open(port);
      again.send({ type: 'hello', protocol: 1, name: (welcome['user'] as { name: string }).name, resume: credentials });
      const resumed = await again.next((f) => f.type === 'welcome');
      expect(resumed['user']).toMatchObject({ id: credentials.userId });
      expect(resumed['credentials']).toBeUndefined();
      again.socket.end();
    }
  });

  it('forgets a user who did nothing once enough newer ones went offline: resuming gets new credentials', async () => {
    const { server, port, dataDir } = await startServer({ limits: { maxConnectionsPerIp: 4096 } });
    const first = await helloAndClose(port, 'Passer-by');
    await Promise.all(Array.from({ length: MAX_UNCONFIRMED_USERS }, (_, i) => helloAndClose(port, `Later ${i}`)));
    await waitFor(() => server.connectionCount === 0);
    const again = await RawClient.open(port);
    again.send({ type: 'hello', protocol: 1, name: 'Passer-by', resume: first['credentials'] });
    const welcome = await again.next((f) => f.type === 'welcome');
    expect(welcome['credentials']).toBeDefined();
    expect((welcome['user'] as { id: string }).id).not.toBe((first['user'] as { id: string }).id);
    expect(userCount(dataDir)).toBe(MAX_UNCONFIRMED_USERS + 1); // the newest offline ones, and this one
  });

  it('keeps an unconfirmed user that comes back soon with its credentials, for good', async () => {
    const { server, port, dataDir } = await startServer({ limits: { maxConnectionsPerIp: 4096 } });
    const first = await helloAndClose(port, 'Returner');
    const back = await RawClient.open(port);
    back.send({ type: 'hello', protocol: 1, name: 'Returner', resume: first['credentials'] });
    expect((await back.next((f) => f.type === 'welcome'))['credentials']).toBeUndefined();
    back.socket.end();
    await Promise.all(Array.from({ length: MAX_UNCONFIRMED_USERS + 5 }, (_, i) => helloAndClose(port, `D ${i}`)));
    await waitFor(() => server.connectionCount === 0);
    expect(userCount(dataDir)).toBe(MAX_UNCONFIRMED_USERS + 1);
    const third = await RawClient.open(port);
    third.send({ type: 'hello', protocol: 1, name: 'Returner', resume: first['credentials'] });
    expect((await third.next((f) => f.type === 'welcome'))['credentials']).toBeUndefined();
  });

  it('does not forget a user whose connection is replaced by its own new one', async () => {
    const { port } = await startServer();
    const { client: first, welcome } = await RawClient.hello(port, 'Twin');
    const second = await RawClient.open(port);
    second.send({ type: 'hello', protocol: 1, name: 'Twin', resume: welcome['credentials'] });
    const resumed = await second.next((f) => f.type === 'welcome');
    expect(resumed['credentials']).toBeUndefined();
    expect(await first.next((f) => f.type === 'error')).toMatchObject({ code: 'replaced' });
    // Still the same user: a third connection resumes it too.
    const third = await RawClient.open(port);
    third.send({ type: 'hello', protocol: 1, name: 'Twin', resume: welcome['credentials'] });
    expect((await third.next((f) => f.type === 'welcome'))['credentials']).toBeUndefined();
  });
});

describe('a returning user is never locked out by a name squatter (bug 4)', () => {
  async function registeredAda(port: number, name = 'Ada') {
    const { client, welcome } = await RawClient.hello(port, name);
    // Do something, so that the user is kept once offline (bug 3's rule).
    await client.request({ type: 'room_create', name: `${name}'s room` });
    client.socket.end();
    await client.waitClosed();
    return welcome['credentials'] as { userId: string; token: string };
  }

  it('accepts valid credentials with a free variant of the name and says which name was asked for', async () => {
    const { port } = await startServer();
    const credentials = await registeredAda(port);
    const { welcome: squatter } = await RawClient.hello(port, 'ada');
    expect(squatter['type']).toBe('welcome');

    const back = await RawClient.open(port);
    back.send({ type: 'hello', id: 1, protocol: 1, name: 'Ada', resume: credentials });
    const welcome = await back.next((f) => f['re'] === 1);
    expect(welcome).toMatchObject({
      type: 'welcome',
      user: { id: credentials.userId, name: 'Ada (2)' },
      requestedName: 'Ada',
    });
    expect(welcome['credentials']).toBeUndefined();
    // The variant is her name now: she can rename back once the squatter is gone, others see "Ada (2)".
    const members = await back.request({ type: 'rename', name: 'Ada the first' });
    expect(members['data']).toMatchObject({ user: { name: 'Ada the first' } });
  });

  it('skips variants that are taken too, and stays within the name length limit', async () => {
    const { port } = await startServer();
    const long = 'L'.repeat(32);
    const credentials = await registeredAda(port, long);
    await RawClient.hello(port, long);
    await RawClient.hello(port, `${'L'.repeat(28)} (2)`);
    const back = await RawClient.open(port);
    back.send({ type: 'hello', id: 'h', protocol: 1, name: long, resume: credentials });
    const welcome = await back.next((f) => f['re'] === 'h');
    expect(welcome['user']).toMatchObject({ id: credentials.userId, name: `${'L'.repeat(28)} (3)` });
    expect(welcome['requestedName']).toBe(long);
  });

  it('has no requestedName when the name was free', async () => {
    const { port } = await startServer();
    const credentials = await registeredAda(port);
    const back = await RawClient.open(port);
    back.send({ type: 'hello', id: 1, protocol: 1, name: 'Ada', resume: credentials });
    const welcome = await back.next((f) => f['re'] === 1);
    expect(welcome['user']).toMatchObject({ name: 'Ada' });
    expect('requestedName' in welcome).toBe(false);
  });

  it('still refuses a hello without valid credentials with name_taken', async () => {
    const { port } = await startServer();
    await RawClient.hello(port, 'Ada');
    const other = await RawClient.open(port);
    other.send({ type: 'hello', id: 1, protocol: 1, name: 'ADA' });
    expect(await other.next((f) => f['re'] === 1)).toMatchObject({ type: 'error', code: 'name_taken' });
    other.send({ type: 'hello', id: 2, protocol: 1, name: 'Ada', resume: { userId: 'u_nobody', token: 'wrong' } });
    expect(await other.next((f) => f['re'] === 2)).toMatchObject({ type: 'error', code: 'name_taken' });
  });
});
