//! `JoinableQueue` throughput: put + get + task_done round trips per second,
//! through `try_put`/`try_get` and through the `put`/`get` futures polled by
//! hand, on a capacity-1 queue and on an unbounded one filled in batches.
//! Plain `std::time::Instant`; each figure is the median of several runs.
//!
//! Run with `cargo bench --bench queue`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use canteen::JoinableQueue;

/// Round trips per timed run.
const ROUND_TRIPS: u64 = 2_000_000;
/// Items put before they are got, on the unbounded queue.
const BATCH: u64 = 64;
/// Timed runs per figure.
const RUNS: usize = 5;

/// Polls a future that must complete at once.
fn ready<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the operation had to wait"),
    }
}

/// One item through `try_put`, `try_get`, `task_done`.
fn try_round_trips(q: &JoinableQueue<u64>, n: u64) {
    for i in 0..n {
        q.try_put(black_box(i)).unwrap();
        black_box(q.try_get().unwrap());
        q.task_done().unwrap();
    }
}

/// `BATCH` items in through `try_put`, then out through `try_get`.
fn try_batches(q: &JoinableQueue<u64>, n: u64) {
    for _ in 0..n / BATCH {
        for i in 0..BATCH {
            q.try_put(black_box(i)).unwrap();
        }
        for _ in 0..BATCH {
            black_box(q.try_get().unwrap());
            q.task_done().unwrap();
        }
    }
}

/// One item through the `put` and `get` futures, neither has to wait.
fn async_round_trips(q: &JoinableQueue<u64>, n: u64) {
    for i in 0..n {
        ready(q.put(black_box(i))).unwrap();
        black_box(ready(q.get()).unwrap());
        q.task_done().unwrap();
    }
}

/// `BATCH` items in through `put` futures, then out through `get` futures.
fn async_batches(q: &JoinableQueue<u64>, n: u64) {
    for _ in 0..n / BATCH {
        for i in 0..BATCH {
            ready(q.put(black_box(i))).unwrap();
        }
        for _ in 0..BATCH {
            black_box(ready(q.get()).unwrap());
            q.task_done().unwrap();
        }
    }
}

/// The waiting path: on a full capacity-1 queue each `put` future waits,
/// a `try_get` grants it the slot and wakes it, and the next poll puts.
fn async_handoffs(q: &JoinableQueue<u64>, n: u64) {
    let mut cx = Context::from_waker(Waker::noop());
    q.try_put(0).unwrap();
    for i in 0..n {
        let mut put = pin!(q.put(black_box(i)));
        assert!(put.as_mut().poll(&mut cx).is_pending());
        black_box(q.try_get().unwrap());
        q.task_done().unwrap();
        assert_eq!(put.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
    }
    q.try_get().unwrap();
    q.task_done().unwrap();
}

/// Times `RUNS` runs of `n` round trips on fresh queues; prints the median.
fn bench(name: &str, maxsize: usize, run: fn(&JoinableQueue<u64>, u64)) {
    run(&JoinableQueue::new(maxsize), ROUND_TRIPS / 10); // warm-up
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let q = JoinableQueue::new(maxsize);
            let start = Instant::now();
            run(&q, ROUND_TRIPS);
            let elapsed = start.elapsed();
            assert_eq!(q.unfinished_tasks(), 0);
            elapsed
        })
        .collect();
    times.sort_unstable();
    let median = times[RUNS / 2];
    let per_second = ROUND_TRIPS as f64 / median.as_secs_f64();
    println!("{name}: {:.1} M ops/s (median of {RUNS})", per_second / 1e6);
}

fn main() {
    println!("one op = put + get + task_done of one item; {ROUND_TRIPS} ops per run");
    bench("queue/try_roundtrip_cap1", 1, try_round_trips);
    bench("queue/try_batch64_unbounded", 0, try_batches);
    bench("queue/async_roundtrip_cap1", 1, async_round_trips);
    bench("queue/async_batch64_unbounded", 0, async_batches);
    bench("queue/async_handoff_cap1", 1, async_handoffs);
}
