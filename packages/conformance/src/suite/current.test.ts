import { describe, expect, it } from 'vitest';
import {
  activeCount,
  currentThread,
  enumerate,
  Event,
  getIdent,
  getNativeId,
  mainThread,
  Queue,
  Thread,
} from '#backend';
import { fx } from './support';

describe('currentThread / mainThread / getIdent', () => {
  it('on the main thread, currentThread() is mainThread(), named MainThread', () => {
    expect(currentThread()).toBe(mainThread());
    expect(mainThread().name).toBe('MainThread');
    expect(mainThread().isAlive()).toBe(true);
    expect(mainThread().daemon).toBe(false);
  });

  it('getIdent() on the main thread is the main thread ident', () => {
    expect(getIdent()).toBe(mainThread().ident);
    expect(Number.isInteger(getIdent())).toBe(true);
  });

  it('main thread repr is <_MainThread(MainThread, started N)>', () => {
    expect(String(mainThread())).toBe(`<_MainThread(MainThread, started ${mainThread().ident})>`);
  });

  it('inside a thread, getIdent() equals its Thread ident and differs from main', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('whoAmI'), args: [q], name: 'who' });
    t.start();
    t.join();
    const info = q.get(true, 10_000) as { ident: number; threadIdent: number; name: string; isMain: boolean };
    expect(info.ident).toBe(t.ident);
    expect(info.threadIdent).toBe(t.ident);
    expect(info.name).toBe('who');
    expect(info.isMain).toBe(false);
    expect(info.ident).not.toBe(getIdent());
  });

  it('getNativeId() is a number and a thread reports its own nativeId', () => {
    expect(typeof getNativeId()).toBe('number');
    const q = new Queue();
    const t = new Thread({ target: fx('whoAmI'), args: [q] });
    t.start();
    t.join();
    const info = q.get(true, 10_000) as { nativeId: number; threadNativeId: number };
    expect(typeof info.nativeId).toBe('number');
    expect(info.nativeId).toBe(info.threadNativeId);
    expect(t.nativeId).toBe(info.nativeId);
  });

  it('mainThread() seen from another thread is the same object as here', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('putMain'), args: [q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(mainThread());
  });

  it('idents of concurrently live threads are distinct', () => {
    const q = new Queue();
    const release = new Event();
    const threads = Array.from({ length: 4 }, () => new Thread({ target: fx('identThenWait'), args: [q, release] }));
    for (const t of threads) t.start();
    const seen = threads.map(() => q.get(true, 10_000) as [number, number, string]);
    release.set();
    for (const t of threads) t.join();
    const idents = new Set(seen.map(([ident]) => ident));
    expect(idents.size).toBe(4);
    for (const [ident, threadIdent] of seen) expect(ident).toBe(threadIdent);
    expect(idents.has(getIdent())).toBe(false);
  });
});

describe('enumerate / activeCount', () => {
  it('enumerate() includes the main thread', () => {
    expect(enumerate()).toContain(mainThread());
  });

  it('enumerate() lists started live threads and drops them once finished', () => {
    const started = new Event();
    const release = new Event();
    const t = new Thread({ target: (s: Event, r: Event) => { s.set(); r.wait(); }, args: [started, release], name: 'listed' });
    const notStarted = new Thread({ name: 'never-started' });
    t.start();
    started.wait(10_000);
    expect(enumerate()).toContain(t);
    expect(enumerate()).not.toContain(notStarted);
    release.set();
    t.join();
    expect(enumerate()).not.toContain(t);
  });

  it('activeCount() equals enumerate().length and counts live threads', () => {
    const before = activeCount();
    expect(before).toBe(enumerate().length);
    const release = new Event();
    const threads = Array.from({ length: 4 }, () => new Thread({ target: (r: Event) => { r.wait(); }, args: [release] }));
    for (const t of threads) t.start();
    expect(activeCount()).toBe(before + 4);
    expect(enumerate().length).toBe(before + 4);
    release.set();
    for (const t of threads) t.join();
    expect(activeCount()).toBe(before);
  });

  it('a thread sees itself and main in enumerate(), and activeCount() >= 2', () => {
    const q = new Queue();
    const release = new Event();
    const t = new Thread({ target: fx('enumerateInside'), args: [q, release], name: 'inside' });
    t.start();
    const info = q.get(true, 10_000) as { names: string[]; count: number; selfListed: boolean };
    release.set();
    t.join();
    expect(info.names).toContain('MainThread');
    expect(info.names).toContain('inside');
    expect(info.selfListed).toBe(true);
    expect(info.count).toBeGreaterThanOrEqual(2);
  });
});
