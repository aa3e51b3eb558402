//! Model-based property test of `JoinableQueue`: random sequences of
//! operations run against the real queue (futures polled by hand with
//! counting wakers) and against a plain reference model; after every
//! operation their results, sizes, counts and wake-ups must agree.
//!
//! The model keeps each pending future as an explicit record in arrival
//! order (waiting, granted or closed) and recomputes what is reserved from
//! those records, instead of keeping counters as the queue does.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use canteen::queue::{Get, Join, Put, ShutDown, TaskDoneError, TryGetError, TryPutError};
use canteen::JoinableQueue;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    StartGet,
    StartPut(u16),
    StartJoin,
    /// Polls the pending future at this index (modulo their number).
    Poll(usize),
    /// Drops the pending future at this index (modulo their number).
    Drop(usize),
    TryPut(u16),
    TryGet,
    TaskDone,
    Shutdown(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::StartGet),
        4 => any::<u16>().prop_map(Op::StartPut),
        1 => Just(Op::StartJoin),
        6 => any::<usize>().prop_map(Op::Poll),
        2 => any::<usize>().prop_map(Op::Drop),
        3 => any::<u16>().prop_map(Op::TryPut),
        3 => Just(Op::TryGet),
        3 => Just(Op::TaskDone),
        1 => any::<bool>().prop_map(Op::Shutdown),
    ]
}

/// What an operation returned; both sides must produce the same.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Pending,
    Got(Result<u16, ShutDown>),
    Put(Result<(), ShutDown<u16>>),
    Joined,
    TryPut(Result<(), TryPutError<u16>>),
    TryGet(Result<u16, TryGetError>),
    TaskDone(Result<(), TaskDoneError>),
    Removed(usize),
    Nothing,
}

// ------------------------------------------------------------ the model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Waiting,
    Granted,
    Closed,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Get,
    Put(u16),
    Join,
}

#[derive(Debug)]
struct Pending {
    id: usize,
    kind: Kind,
    turn: Turn,
}

#[derive(Debug)]
struct Model {
    maxsize: usize,
    items: VecDeque<u16>,
    unfinished: usize,
    shut: bool,
    /// Pending futures in arrival order (each entered its line when started).
    pending: Vec<Pending>,
    /// Ids woken during the current operation.
    woken: Vec<usize>,
}

impl Model {
    fn new(maxsize: usize) -> Self {
        Self {
            maxsize,
            items: VecDeque::new(),
            unfinished: 0,
            shut: false,
            pending: Vec::new(),
            woken: Vec::new(),
        }
    }

    fn granted(&self, of: fn(Kind) -> bool) -> usize {
        self.pending
            .iter()
            .filter(|p| p.turn == Turn::Granted && of(p.kind))
            .count()
    }

    /// Items nobody has been promised.
    fn free_items(&self) -> usize {
        let promised = self.granted(|k| matches!(k, Kind::Get));
        self.items.len().saturating_sub(promised)
    }

    /// Whether a slot nobody has been promised is free.
    fn free_slot(&self) -> bool {
        let promised = self.granted(|k| matches!(k, Kind::Put(_)));
        self.maxsize == 0 || self.items.len() + promised < self.maxsize
    }

    fn put_item(&mut self, value: u16) {
        self.items.push_back(value);
        self.unfinished += 1;
    }

    /// Hands out what can be handed out, first come first served, and
    /// closes what can never be served.
    ///
    /// A getter closed by shutdown that has not run yet is still in line for
    /// an item a dropped granted getter hands back (CPython's woken getter
    /// re-checks `empty()`); it was woken already, so it is not woken again.
    fn settle(&mut self) {
        for i in 0..self.pending.len() {
            let (kind, turn) = (self.pending[i].kind, self.pending[i].turn);
            let next = match (kind, turn) {
                (Kind::Get, Turn::Closed) if self.free_items() > 0 => Turn::Granted,
                (_, Turn::Granted | Turn::Closed) => continue,
                (Kind::Get, _) if self.free_items() > 0 => Turn::Granted,
                (Kind::Get, _) if self.shut => Turn::Closed,
                (Kind::Put(_), _) if self.shut => Turn::Closed,
                (Kind::Put(_), _) if self.free_slot() => Turn::Granted,
                (Kind::Join, _) if self.unfinished == 0 => Turn::Granted,
                _ => continue,
            };
            self.pending[i].turn = next;
            if turn == Turn::Waiting {
                self.woken.push(self.pending[i].id);
            }
        }
    }

    /// Runs a future one step: `None` if it must wait.
    fn step(&mut self, kind: Kind, turn: Option<Turn>) -> Option<Out> {
        let out = match (kind, turn) {
            (_, Some(Turn::Waiting)) => return None,
            (Kind::Get, None) if self.free_items() > 0 => {
                Out::Got(Ok(self.items.pop_front().expect("free item")))
            }
            (Kind::Get, None) if self.shut => Out::Got(Err(ShutDown(()))),
            (Kind::Get, None) => return None,
            (Kind::Get, Some(Turn::Granted)) => match self.items.pop_front() {
                Some(item) => Out::Got(Ok(item)),
                None => Out::Got(Err(ShutDown(()))),
            },
            (Kind::Get, Some(Turn::Closed)) => Out::Got(Err(ShutDown(()))),
            (Kind::Put(v), None) if self.shut => Out::Put(Err(ShutDown(v))),
            (Kind::Put(v), None) if self.free_slot() => {
                self.put_item(v);
                Out::Put(Ok(()))
            }
            (Kind::Put(_), None) => return None,
            (Kind::Put(v), Some(Turn::Granted)) if self.shut => Out::Put(Err(ShutDown(v))),
            (Kind::Put(v), Some(Turn::Granted)) => {
                self.put_item(v);
                Out::Put(Ok(()))
            }
            (Kind::Put(v), Some(Turn::Closed)) => Out::Put(Err(ShutDown(v))),
            (Kind::Join, None) if self.unfinished == 0 => Out::Joined,
            (Kind::Join, None) => return None,
            (Kind::Join, Some(_)) => Out::Joined,
        };
        Some(out)
    }

    fn start(&mut self, id: usize, kind: Kind) -> Out {
        match self.step(kind, None) {
            Some(out) => out,
            None => {
                self.pending.push(Pending {
                    id,
                    kind,
                    turn: Turn::Waiting,
                });
                Out::Pending
            }
        }
    }

    fn apply(&mut self, op: &Op, id: usize) -> Out {
        self.woken.clear();
        let out = match *op {
            Op::StartGet => self.start(id, Kind::Get),
            Op::StartPut(v) => self.start(id, Kind::Put(v)),
            Op::StartJoin => self.start(id, Kind::Join),
            Op::Poll(_) | Op::Drop(_) if self.pending.is_empty() => Out::Nothing,
            Op::Poll(i) => {
                let at = i % self.pending.len();
                let (kind, turn) = (self.pending[at].kind, self.pending[at].turn);
                // A finished future leaves its line before it acts.
                let taken = (turn != Turn::Waiting).then(|| self.pending.remove(at));
                match self.step(kind, Some(turn)) {
                    Some(out) => out,
                    None => {
                        assert!(taken.is_none(), "only waiting futures stay pending");
                        Out::Pending
                    }
                }
            }
            Op::Drop(i) => {
                self.pending.remove(i % self.pending.len());
                Out::Nothing
            }
            Op::TryPut(v) if self.shut => Out::TryPut(Err(TryPutError::ShutDown(v))),
            Op::TryPut(v) if self.free_slot() => {
                self.put_item(v);
                Out::TryPut(Ok(()))
            }
            Op::TryPut(v) => Out::TryPut(Err(TryPutError::Full(v))),
            Op::TryGet if self.free_items() > 0 => {
                Out::TryGet(Ok(self.items.pop_front().expect("free item")))
            }
            Op::TryGet if self.shut => Out::TryGet(Err(TryGetError::ShutDown)),
            Op::TryGet => Out::TryGet(Err(TryGetError::Empty)),
            Op::TaskDone if self.unfinished == 0 => Out::TaskDone(Err(TaskDoneError)),
            Op::TaskDone => {
                self.unfinished -= 1;
                Out::TaskDone(Ok(()))
            }
            Op::Shutdown(immediate) => {
                self.shut = true;
                let removed = if immediate {
                    let removed = self.items.len();
                    self.items.clear();
                    self.unfinished = self.unfinished.saturating_sub(removed);
                    removed
                } else {
                    0
                };
                Out::Removed(removed)
            }
        };
        self.settle();
        out
    }
}

// -------------------------------------------------------- the real queue

struct Counting {
    id: usize,
    log: Arc<Mutex<Vec<usize>>>,
    wakes: AtomicUsize,
}

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.log.lock().unwrap().push(self.id);
    }
}

enum Fut<'q> {
    Get(Get<'q, u16>),
    Put(Put<'q, u16>),
    Join(Join<'q, u16>),
}

struct RealPending<'q> {
    id: usize,
    fut: Fut<'q>,
    waker: Waker,
}

impl RealPending<'_> {
    fn poll(&mut self) -> Out {
        let mut cx = Context::from_waker(&self.waker);
        let ready = match &mut self.fut {
            Fut::Get(f) => Pin::new(f).poll(&mut cx).map(Out::Got),
            Fut::Put(f) => Pin::new(f).poll(&mut cx).map(Out::Put),
            Fut::Join(f) => Pin::new(f).poll(&mut cx).map(|()| Out::Joined),
        };
        match ready {
            Poll::Ready(out) => out,
            Poll::Pending => Out::Pending,
        }
    }
}

struct Real<'q> {
    q: &'q JoinableQueue<u16>,
    pending: Vec<RealPending<'q>>,
    log: Arc<Mutex<Vec<usize>>>,
}

impl<'q> Real<'q> {
    fn start(&mut self, id: usize, fut: Fut<'q>) -> Out {
        let counting = Arc::new(Counting {
            id,
            log: Arc::clone(&self.log),
            wakes: AtomicUsize::new(0),
        });
        let mut pending = RealPending {
            id,
            fut,
            waker: Waker::from(counting),
        };
        let out = pending.poll();
        if out == Out::Pending {
            self.pending.push(pending);
        }
        out
    }

    fn apply(&mut self, op: &Op, id: usize) -> Out {
        let q = self.q;
        match *op {
            Op::StartGet => self.start(id, Fut::Get(q.get())),
            Op::StartPut(v) => self.start(id, Fut::Put(q.put(v))),
            Op::StartJoin => self.start(id, Fut::Join(q.join())),
            Op::Poll(_) | Op::Drop(_) if self.pending.is_empty() => Out::Nothing,
            Op::Poll(i) => {
                let at = i % self.pending.len();
                let out = self.pending[at].poll();
                if out != Out::Pending {
                    self.pending.remove(at);
                }
                out
            }
            Op::Drop(i) => {
                let at = i % self.pending.len();
                self.pending.remove(at);
                Out::Nothing
            }
            Op::TryPut(v) => Out::TryPut(q.try_put(v)),
            Op::TryGet => Out::TryGet(q.try_get()),
            Op::TaskDone => Out::TaskDone(q.task_done()),
            Op::Shutdown(immediate) => Out::Removed(q.shutdown(immediate)),
        }
    }

    fn take_woken(&self) -> Vec<usize> {
        let mut woken = std::mem::take(&mut *self.log.lock().unwrap());
        woken.sort_unstable();
        woken
    }
}

fn check(maxsize: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let q = JoinableQueue::new(maxsize);
    let mut real = Real {
        q: &q,
        pending: Vec::new(),
        log: Arc::default(),
    };
    let mut model = Model::new(maxsize);
    for (id, op) in ops.iter().enumerate() {
        let got = real.apply(op, id);
        let want = model.apply(op, id);
        prop_assert_eq!(&got, &want, "result of op {} {:?}", id, op);
        let mut woken = model.woken.clone();
        woken.sort_unstable();
        prop_assert_eq!(real.take_woken(), woken, "wake-ups of op {} {:?}", id, op);
        prop_assert_eq!(q.len(), model.items.len(), "len after op {} {:?}", id, op);
        prop_assert_eq!(q.is_empty(), model.items.is_empty());
        prop_assert_eq!(
            q.unfinished_tasks(),
            model.unfinished,
            "unfinished after op {}",
            id
        );
        prop_assert_eq!(
            q.is_full(),
            maxsize > 0 && model.items.len() >= maxsize,
            "is_full after op {}",
            id
        );
        prop_assert_eq!(q.is_shut_down(), model.shut);
        let real_ids: Vec<usize> = real.pending.iter().map(|p| p.id).collect();
        let model_ids: Vec<usize> = model.pending.iter().map(|p| p.id).collect();
        prop_assert_eq!(real_ids, model_ids, "pending futures after op {}", id);
    }
    // Dropping everything still pending must leave the queue consistent:
    // every item left is there for a newcomer.
    drop(real);
    let mut left = 0;
    while q.try_get().is_ok() {
        left += 1;
    }
    prop_assert_eq!(left, model.items.len());
    Ok(())
}

proptest! {
    #[test]
    fn queue_agrees_with_the_model(
        maxsize in 0usize..4,
        ops in prop::collection::vec(op(), 0..80),
    ) {
        check(maxsize, &ops)?;
    }
}

/// The model on a case worked out by hand, so that it cannot agree with the
/// queue by sharing a mistake in the basics.
#[test]
fn the_model_grants_in_arrival_order() {
    let mut model = Model::new(1);
    assert_eq!(model.apply(&Op::StartGet, 0), Out::Pending);
    assert_eq!(model.apply(&Op::StartGet, 1), Out::Pending);
    assert_eq!(model.apply(&Op::TryPut(5), 2), Out::TryPut(Ok(())));
    assert_eq!(model.woken, vec![0]);
    assert_eq!(
        model.apply(&Op::TryGet, 3),
        Out::TryGet(Err(TryGetError::Empty))
    );
    assert_eq!(model.apply(&Op::Drop(0), 4), Out::Nothing);
    assert_eq!(model.woken, vec![1], "the dropped grant passes on");
    assert_eq!(model.apply(&Op::Poll(0), 5), Out::Got(Ok(5)));
    assert_eq!(model.apply(&Op::Shutdown(false), 6), Out::Removed(0));
    assert_eq!(model.apply(&Op::StartGet, 7), Out::Got(Err(ShutDown(()))));
}

/// Sequences that once disagreed, kept as regressions.
#[test]
fn known_sequences_agree() {
    use Op::*;
    let cases: [(usize, &[Op]); 4] = [
        // task_done ran ahead of get, then an immediate shutdown.
        (
            0,
            &[
                TryPut(1),
                TryPut(2),
                TaskDone,
                TaskDone,
                Shutdown(true),
                StartJoin,
            ],
        ),
        // a join released by the count reaching 0, then a new item.
        (
            0,
            &[TryPut(1), StartJoin, TryGet, TaskDone, TryPut(2), Poll(0)],
        ),
        // a dropped join is not woken.
        (
            1,
            &[TryPut(1), StartJoin, StartJoin, Drop(0), TaskDone, Poll(0)],
        ),
        // a granted getter dropped after shutdown: the other waiting getter,
        // woken by the shutdown, takes the item.
        (
            0,
            &[
                StartGet,
                StartGet,
                TryPut(1),
                Shutdown(false),
                Drop(0),
                Poll(0),
            ],
        ),
    ];
    for (maxsize, ops) in cases {
        check(maxsize, ops).unwrap();
    }
}
