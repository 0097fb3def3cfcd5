/**
 * Type tests (vitest typecheck mode, `*.test-d.ts`: checked by tsc, never run): `submit` and
 * `submitWith` check a task's arguments and type its Future as `Future<Awaited<R>>`, for a
 * self-contained function and for a typed `task<typeof fn>(…)`; `new Thread({ target, args })`
 * checks `args` against the target's parameters. An untyped `task(url, name)` accepts any
 * arguments and gives `Future<unknown>`, as before.
 */
import { describe, expectTypeOf, test } from 'vitest';
import { Future, task, Thread, ThreadPoolExecutor, type TaskRef } from '../src/index';
import type { repeat, square } from './types/task-module';

declare const ex: ThreadPoolExecutor;
const url = new URL('./types/task-module.js', import.meta.url);

describe('submit', () => {
  test('a self-contained function: arguments checked, result awaited', () => {
    expectTypeOf(ex.submit((a: number, b: number) => a + b, 1, 2)).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.submit(async (s: string) => s.length, 'abc')).toEqualTypeOf<Future<number>>();
    // @ts-expect-error a string where the function takes a number
    ex.submit((a: number) => a, 'one');
    // @ts-expect-error one argument missing
    ex.submit((a: number, b: number) => a + b, 1);
  });

  test('a typed task(): arguments checked against the export, result awaited', () => {
    const sq = task<typeof square>(url, 'square');
    expectTypeOf(sq).toEqualTypeOf<TaskRef<typeof square>>();
    expectTypeOf(ex.submit(sq, 7)).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.submit(task<typeof repeat>(url, 'repeat'), 'ab', 3)).toEqualTypeOf<Future<string>>();
    // @ts-expect-error square takes a number
    ex.submit(sq, '7');
    // @ts-expect-error repeat takes two arguments
    ex.submit(task<typeof repeat>(url, 'repeat'), 'ab');
  });

  test('an untyped task(): any arguments, Future<unknown>', () => {
    expectTypeOf(ex.submit(task(url, 'square'), 'anything', 1, {})).toEqualTypeOf<Future<unknown>>();
  });

  test('submitWith: the same checks after the options', () => {
    expectTypeOf(ex.submitWith({ priority: 1 }, task<typeof square>(url, 'square'), 2)).toEqualTypeOf<Future<number>>();
    expectTypeOf(ex.submitWith({}, (s: string) => s, 'x')).toEqualTypeOf<Future<string>>();
    // @ts-expect-error square takes a number
    ex.submitWith({}, task<typeof square>(url, 'square'), 'two');
  });

  test('map: results typed by the function', () => {
    expectTypeOf(ex.map((n: number) => String(n), [1, 2])).toEqualTypeOf<IterableIterator<string>>();
    expectTypeOf(ex.map(task<typeof square>(url, 'square'), [1, 2])).toEqualTypeOf<IterableIterator<number>>();
  });
});

describe('new Thread({ target, args })', () => {
  test('args checked against a function target', () => {
    expectTypeOf(new Thread({ target: (a: number, b: string) => `${a}${b}`, args: [1, 'x'] })).toMatchTypeOf<Thread>();
    // @ts-expect-error args in the wrong order
    new Thread({ target: (a: number, b: string) => `${a}${b}`, args: ['x', 1] });
    // @ts-expect-error an argument missing
    new Thread({ target: (a: number, b: string) => `${a}${b}`, args: [1] });
  });

  test('args checked against a typed task() target', () => {
    new Thread({ target: task<typeof repeat>(url, 'repeat'), args: ['ab', 2] });
    // @ts-expect-error repeat takes (string, number)
    new Thread({ target: task<typeof repeat>(url, 'repeat'), args: [2, 'ab'] });
  });

  test('an untyped task(), no target, and subclasses stay as before', () => {
    new Thread({ target: task(url, 'square'), args: ['whatever', 1] });
    new Thread({ name: 'no target' });
    class Worker extends Thread {
      override run(): void {}
    }
    expectTypeOf(new Worker()).toMatchTypeOf<Thread>();
  });
});
