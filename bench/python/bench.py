"""CPython side of threadkit's benchmarks: the same workloads as bench/src/threadkit.mjs.

Run by bench/src/run.mjs as `python3 bench.py --serve`: it reads one JSON request per line on
stdin and answers one JSON line on stdout, so that its samples interleave with the Node
contenders'. Requests:
    {"op": "info"}                               -> {"version": ..., "gil": ...}
    {"op": "sample", "figure": F, "n": N}         -> {"value": ..., "extra": {...}}
    {"op": "end", "figure": F}                    -> {} (tears the figure's state down)
Values are nanoseconds per operation, except cpu-scaling (a speed-up factor) and the memory
figures (bytes). `python3 bench.py [--quick]` runs every figure once, standalone, for a look.
"""

import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from queue import Queue

now = time.perf_counter_ns


def noop():
    pass


def crunch(n):
    # The seeds' CPU-bound task: sum(i * i for i in range(10_000_000)).
    return sum(i * i for i in range(n))


def lock_uncontended(n, state):
    lock = threading.Lock()
    t0 = now()
    for _ in range(n):
        with lock:
            pass
    return (now() - t0) / n, {}


def contended_lock(threads, n):
    lock = threading.Lock()
    counter = [0]
    go = threading.Event()

    def work():
        go.wait()
        for _ in range(n):
            with lock:
                counter[0] += 1

    started = [threading.Thread(target=work) for _ in range(threads)]
    for t in started:
        t.start()
    t0 = now()
    go.set()
    for t in started:
        t.join()
    elapsed = now() - t0
    assert counter[0] == threads * n, counter[0]
    return elapsed / (threads * n), {}


def lock_contended(n, state):
    return contended_lock(2, n)


def lock_contended_8(n, state):
    return contended_lock(8, n)


def queue_8(n, state):
    q = Queue(64)
    go = threading.Event()
    per = n // 4
    sums = []
    sums_lock = threading.Lock()

    def produce():
        go.wait()
        for i in range(per):
            q.put(i)

    def consume():
        go.wait()
        total = 0
        for _ in range(per):
            total += q.get()
        with sums_lock:
            sums.append(total)

    threads = [threading.Thread(target=produce) for _ in range(4)] + [threading.Thread(target=consume) for _ in range(4)]
    for t in threads:
        t.start()
    t0 = now()
    go.set()
    for t in threads:
        t.join()
    elapsed = now() - t0
    assert sum(sums) == 4 * (per * (per - 1) // 2)
    return elapsed / n, {}


def pingpong_event(n, state):
    ping, pong = threading.Event(), threading.Event()

    def bounce():
        for _ in range(n):
            ping.wait()
            ping.clear()
            pong.set()

    t = threading.Thread(target=bounce)
    t.start()
    t0 = now()
    for _ in range(n):
        ping.set()
        pong.wait()
        pong.clear()
    elapsed = now() - t0
    t.join()
    return elapsed / n, {}


def pingpong_condition(n, state):
    cond = threading.Condition()
    turn = [0]

    def bounce():
        for _ in range(n):
            with cond:
                while turn[0] != 1:
                    cond.wait()
                turn[0] = 0
                cond.notify()

    t = threading.Thread(target=bounce)
    t.start()
    t0 = now()
    for _ in range(n):
        with cond:
            turn[0] = 1
            cond.notify()
            while turn[0] != 0:
                cond.wait()
    elapsed = now() - t0
    t.join()
    return elapsed / n, {}


def queue_cross_thread(n, state):
    q = Queue(64)
    go = threading.Event()

    def produce():
        go.wait()
        for i in range(n):
            q.put(i)

    t = threading.Thread(target=produce)
    t.start()
    t0 = now()
    go.set()
    total = 0
    for _ in range(n):
        total += q.get()
    elapsed = now() - t0
    t.join()
    assert total == n * (n - 1) // 2
    return elapsed / n, {}


def executor_tiny(n, state):
    if "pool" not in state:
        state["pool"] = ThreadPoolExecutor(2)
    pool = state["pool"]
    t0 = now()
    futures = [pool.submit(noop) for _ in range(n)]
    for f in futures:
        f.result()
    return (now() - t0) / n, {}


def thread_start_join(n, state):
    t0 = now()
    for _ in range(n):
        t = threading.Thread(target=noop)
        t.start()
        t.join()
    return (now() - t0) / n, {}


CPU_REPEATS = 3


def cpu_scaling(n, state):
    if "pools" not in state:
        state["pools"] = (ThreadPoolExecutor(1), ThreadPoolExecutor(2))
    # Best of CPU_REPEATS, alternating the pools, as in src/best-of.mjs.
    times = [float("inf"), float("inf")]
    for _ in range(CPU_REPEATS):
        for i, pool in enumerate(state["pools"]):
            t0 = now()
            futures = [pool.submit(crunch, n) for _ in range(4)]
            for f in futures:
                f.result()
            times[i] = min(times[i], now() - t0)
    return times[0] / times[1], {"t1_ms": times[0] / 1e6, "t2_ms": times[1] / 1e6}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def rss_per_idle_thread(k, state):
    started = threading.Semaphore(0)
    stop = threading.Event()

    def idle():
        started.release()
        stop.wait()

    gc.collect()
    before = rss_bytes()
    threads = [threading.Thread(target=idle) for _ in range(k)]
    for t in threads:
        t.start()
    for _ in threads:
        started.acquire()
    gc.collect()
    after = rss_bytes()
    stop.set()
    for t in threads:
        t.join()
    return (after - before) / k, {}


def bytes_per(make, k):
    keep = [None] * k
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(k):
        keep[i] = make()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used / k, {"getsizeof": sys.getsizeof(keep[0])}


def bytes_per_lock(k, state):
    return bytes_per(threading.Lock, k)


def bytes_per_queue(k, state):
    return bytes_per(Queue, k)


def churn(loop):
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loop()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used, {"rss_growth": rss_bytes() - rss_before}


def churn_queue(n, state):
    def loop():
        for i in range(n):
            q = Queue()
            q.put(i)
            assert q.get() == i

    return churn(loop)


def churn_submit(n, state):
    pool = ThreadPoolExecutor(2)
    pool.submit(noop).result()

    def loop():
        ring = [None] * 1000
        total = 0
        for i in range(n):
            slot = i % len(ring)
            if ring[slot] is not None:
                total += ring[slot].result()
            ring[slot] = pool.submit(int, i & 1)
        for f in ring:
            if f is not None:
                total += f.result()
        assert total == n >> 1

    result = churn(loop)
    pool.shutdown()
    return result


FIGURES = {
    "lock-uncontended": lock_uncontended,
    "lock-contended": lock_contended,
    "pingpong-event": pingpong_event,
    "pingpong-condition": pingpong_condition,
    "queue": queue_cross_thread,
    "lock-contended-8": lock_contended_8,
    "queue-8": queue_8,
    "executor": executor_tiny,
    "thread-start": thread_start_join,
    "cpu-scaling": cpu_scaling,
    "rss-thread": rss_per_idle_thread,
    "bytes-lock": bytes_per_lock,
    "bytes-queue": bytes_per_queue,
    "churn-queue": churn_queue,
    "churn-submit": churn_submit,
}


def info():
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    return {"version": sys.version.split()[0], "implementation": sys.implementation.name, "gil": gil}


def end(state):
    for value in state.values():
        for pool in value if isinstance(value, tuple) else (value,):
            pool.shutdown()
    state.clear()


def serve():
    states = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            if request["op"] == "info":
                reply = info()
            elif request["op"] == "sample":
                figure = request["figure"]
                value, extra = FIGURES[figure](request["n"], states.setdefault(figure, {}))
                reply = {"value": value, "extra": extra}
            elif request["op"] == "end":
                end(states.pop(request["figure"], {}))
                reply = {}
            else:
                reply = {"error": f"unknown op {request['op']!r}"}
        except Exception as error:  # reported to the harness, which prints it in the table
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def standalone(quick):
    sizes = {
        "lock-uncontended": 1_000_000, "lock-contended": 50_000, "lock-contended-8": 10_000, "queue-8": 8_000, "pingpong-event": 2_000,
        "pingpong-condition": 2_000, "queue": 20_000, "executor": 5_000, "thread-start": 200,
        "cpu-scaling": 1_000_000, "rss-thread": 8, "bytes-lock": 1_000, "bytes-queue": 1_000,
    }
    print(f"CPython {info()}")
    for figure, run in FIGURES.items():
        n = max(1, sizes[figure] // 100) if quick and figure not in ("rss-thread",) else sizes[figure]
        state = {}
        value, extra = run(n, state)
        end(state)
        print(f"{figure:20} {value:14.1f} {extra if extra else ''}")


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    else:
        standalone("--quick" in sys.argv)
