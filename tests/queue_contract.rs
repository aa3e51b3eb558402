//! One test per rule of the queue contract (issue 2 §1 and
//! `shared/design/queue-contract.md`): futures are driven by hand with
//! counting wakers, so each test also checks *who* was woken, *when* and in
//! which order — a pending future must be woken exactly when it can progress.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use canteen::queue::{ShutDown, TaskDoneError, TryGetError, TryPutError};
use canteen::JoinableQueue;

/// A waker that counts its wake-ups and writes its id to a shared log.
struct Counting {
    id: usize,
    wakes: AtomicUsize,
    log: Arc<Mutex<Vec<usize>>>,
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

/// Hands out counting wakers that share one wake-up log.
#[derive(Default)]
struct Wakers {
    log: Arc<Mutex<Vec<usize>>>,
    next: usize,
}

impl Wakers {
    fn probe(&mut self) -> Probe {
        self.next += 1;
        let counting = Arc::new(Counting {
            id: self.next,
            wakes: AtomicUsize::new(0),
            log: Arc::clone(&self.log),
        });
        Probe {
            waker: Waker::from(Arc::clone(&counting)),
            counting,
        }
    }

    /// The ids woken since the last call, in order.
    fn take_log(&self) -> Vec<usize> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// One task's waker: polls futures with it and tells how often it was woken.
struct Probe {
    counting: Arc<Counting>,
    waker: Waker,
}

impl Probe {
    fn id(&self) -> usize {
        self.counting.id
    }

    fn wakes(&self) -> usize {
        self.counting.wakes.load(Ordering::SeqCst)
    }

    fn poll<F: Future + Unpin>(&self, future: &mut F) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(&self.waker))
    }
}

/// Polls with a waker nobody watches, for operations that must not wait.
fn now<F: Future + Unpin>(mut future: F) -> F::Output {
    match Pin::new(&mut future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("expected the operation to complete at once"),
    }
}

// ---------------------------------------------------------------- capacity

#[test]
fn new_zero_is_unbounded_and_never_full() {
    let q = JoinableQueue::new(0);
    assert_eq!(q.maxsize(), 0);
    for i in 0..10_000 {
        q.try_put(i).unwrap();
        assert!(!q.is_full());
    }
    now(q.put(10_000)).unwrap();
    assert!(!q.is_full());
    assert_eq!(q.len(), 10_001);
}

#[test]
fn bounded_queue_is_full_at_maxsize() {
    let q = JoinableQueue::new(2);
    assert_eq!(q.maxsize(), 2);
    q.try_put('a').unwrap();
    assert!(!q.is_full());
    q.try_put('b').unwrap();
    assert!(q.is_full());
    q.try_get().unwrap();
    assert!(!q.is_full());
}

// ------------------------------------------------------------- put and get

#[test]
fn put_waits_while_full_and_completes_when_a_slot_frees() {
    let mut wakers = Wakers::default();
    let putter = wakers.probe();
    let q = JoinableQueue::new(1);
    q.try_put(1).unwrap();

    let mut put = q.put(2);
    assert_eq!(putter.poll(&mut put), Poll::Pending);
    assert_eq!(putter.poll(&mut put), Poll::Pending, "still full");
    assert_eq!(q.len(), 1);
    assert_eq!(q.unfinished_tasks(), 1, "a waiting put adds nothing yet");
    assert_eq!(putter.wakes(), 0, "no busy polling: nothing freed yet");

    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(putter.wakes(), 1, "woken as soon as a slot frees");
    assert_eq!(putter.poll(&mut put), Poll::Ready(Ok(())));
    assert_eq!(q.len(), 1);
    assert_eq!(q.unfinished_tasks(), 2);
    assert_eq!(q.try_get(), Ok(2));
    assert_eq!(putter.wakes(), 1);
}

#[test]
fn get_waits_while_empty_and_completes_when_an_item_arrives() {
    let mut wakers = Wakers::default();
    let getter = wakers.probe();
    let q = JoinableQueue::new(0);

    let mut get = q.get();
    assert_eq!(getter.poll(&mut get), Poll::Pending);
    assert_eq!(getter.poll(&mut get), Poll::Pending, "still empty");
    assert_eq!(getter.wakes(), 0, "no busy polling: nothing arrived");

    q.try_put(7).unwrap();
    assert_eq!(getter.wakes(), 1, "woken as soon as an item arrives");
    assert_eq!(getter.poll(&mut get), Poll::Ready(Ok(7)));
    assert!(q.is_empty());
}

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let q = JoinableQueue::new(0);
    q.try_put(1).unwrap();
    now(q.put(2)).unwrap();
    q.try_put(3).unwrap();
    now(q.put(4)).unwrap();
    assert_eq!(now(q.get()), Ok(1));
    assert_eq!(q.try_get(), Ok(2));
    assert_eq!(now(q.get()), Ok(3));
    assert_eq!(q.try_get(), Ok(4));
}

#[test]
fn items_put_by_waiting_putters_keep_their_order() {
    let mut wakers = Wakers::default();
    let (p1, p2) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(1);
    q.try_put(0).unwrap();
    let mut put1 = q.put(1);
    let mut put2 = q.put(2);
    assert!(p1.poll(&mut put1).is_pending());
    assert!(p2.poll(&mut put2).is_pending());
    assert_eq!(q.try_get(), Ok(0));
    assert_eq!(p1.poll(&mut put1), Poll::Ready(Ok(())));
    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(p2.poll(&mut put2), Poll::Ready(Ok(())));
    assert_eq!(q.try_get(), Ok(2));
}

// -------------------------------------------------------------- fairness

#[test]
fn waiting_getters_are_served_first_come_first_served() {
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut g1 = q.get();
    let mut g2 = q.get();
    let mut g3 = q.get();
    assert!(w1.poll(&mut g1).is_pending());
    assert!(w2.poll(&mut g2).is_pending());
    assert!(w3.poll(&mut g3).is_pending());

    q.try_put('a').unwrap();
    assert_eq!(wakers.take_log(), vec![w1.id()], "only the first getter");
    q.try_put('b').unwrap();
    assert_eq!(wakers.take_log(), vec![w2.id()], "then the second");

    assert_eq!(w3.poll(&mut g3), Poll::Pending, "the third has no item yet");
    assert_eq!(w1.poll(&mut g1), Poll::Ready(Ok('a')));
    assert_eq!(w2.poll(&mut g2), Poll::Ready(Ok('b')));
    assert_eq!(w3.wakes(), 0);
    q.try_put('c').unwrap();
    assert_eq!(wakers.take_log(), vec![w3.id()]);
    assert_eq!(w3.poll(&mut g3), Poll::Ready(Ok('c')));
}

#[test]
fn a_late_getter_cannot_barge_ahead_of_a_woken_one() {
    let mut wakers = Wakers::default();
    let (early, late) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut first = q.get();
    assert!(early.poll(&mut first).is_pending());
    q.try_put('x').unwrap();
    assert_eq!(early.wakes(), 1);

    // The late getter runs before the woken one: the item is not for it.
    let mut second = q.get();
    assert_eq!(late.poll(&mut second), Poll::Pending);
    assert_eq!(q.try_get(), Err(TryGetError::Empty));
    assert_eq!(q.len(), 1, "the granted item stays queued until taken");

    assert_eq!(early.poll(&mut first), Poll::Ready(Ok('x')));
    assert_eq!(late.wakes(), 0);
    q.try_put('y').unwrap();
    assert_eq!(late.wakes(), 1);
    assert_eq!(late.poll(&mut second), Poll::Ready(Ok('y')));
}

#[test]
fn the_reservation_rule_try_get_fails_while_not_empty_and_try_put_while_not_full() {
    // Stricter than the contract table's `get_nowait()` ("raises QueueEmpty
    // when empty") and `put_nowait()` ("raises QueueFull when full"): an
    // item or slot granted to a woken future is not there for a newcomer.
    let mut wakers = Wakers::default();
    let (getter, putter) = (wakers.probe(), wakers.probe());

    let q = JoinableQueue::new(1);
    let mut get = q.get();
    assert!(getter.poll(&mut get).is_pending());
    q.try_put('x').unwrap();
    assert!(!q.is_empty());
    assert_eq!(q.len(), 1);
    assert_eq!(q.try_get(), Err(TryGetError::Empty), "reserved for `get`");
    assert_eq!(getter.poll(&mut get), Poll::Ready(Ok('x')));
    assert!(q.is_empty());

    q.try_put('y').unwrap();
    let mut put = q.put('z');
    assert!(putter.poll(&mut put).is_pending());
    assert_eq!(q.try_get(), Ok('y'));
    assert!(!q.is_full());
    assert_eq!(
        q.try_put('w'),
        Err(TryPutError::Full('w')),
        "reserved for `put`"
    );
    assert_eq!(putter.poll(&mut put), Poll::Ready(Ok(())));
    assert!(q.is_full());
}

#[test]
fn waiting_putters_are_served_first_come_first_served() {
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(2);
    q.try_put(0).unwrap();
    q.try_put(0).unwrap();
    let mut p1 = q.put(1);
    let mut p2 = q.put(2);
    let mut p3 = q.put(3);
    assert!(w1.poll(&mut p1).is_pending());
    assert!(w2.poll(&mut p2).is_pending());
    assert!(w3.poll(&mut p3).is_pending());

    q.try_get().unwrap();
    assert_eq!(wakers.take_log(), vec![w1.id()], "only the first putter");
    q.try_get().unwrap();
    assert_eq!(wakers.take_log(), vec![w2.id()], "then the second");
    assert_eq!(
        w3.poll(&mut p3),
        Poll::Pending,
        "no slot left for the third"
    );

    // Granted putters complete in whatever order they run.
    assert_eq!(w2.poll(&mut p2), Poll::Ready(Ok(())));
    assert_eq!(w1.poll(&mut p1), Poll::Ready(Ok(())));
    assert_eq!(w3.wakes(), 0);
    q.try_get().unwrap();
    assert_eq!(wakers.take_log(), vec![w3.id()]);
    assert_eq!(w3.poll(&mut p3), Poll::Ready(Ok(())));
}

#[test]
fn a_late_putter_cannot_barge_ahead_of_a_woken_one() {
    let mut wakers = Wakers::default();
    let (early, late) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(1);
    q.try_put(0).unwrap();
    let mut first = q.put(1);
    assert!(early.poll(&mut first).is_pending());
    assert_eq!(q.try_get(), Ok(0));
    assert_eq!(early.wakes(), 1);

    // The late putter runs before the woken one: the slot is not for it.
    assert_eq!(q.try_put(9), Err(TryPutError::Full(9)));
    let mut second = q.put(2);
    assert_eq!(late.poll(&mut second), Poll::Pending);
    assert!(q.is_empty());

    assert_eq!(early.poll(&mut first), Poll::Ready(Ok(())));
    assert_eq!(late.wakes(), 0);
    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(late.wakes(), 1);
    assert_eq!(late.poll(&mut second), Poll::Ready(Ok(())));
    assert_eq!(q.try_get(), Ok(2));
}

#[test]
fn a_pending_future_is_woken_through_its_latest_waker_only() {
    let mut wakers = Wakers::default();
    let (old, new) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut get = q.get();
    assert!(old.poll(&mut get).is_pending());
    assert!(new.poll(&mut get).is_pending());
    q.try_put(1).unwrap();
    assert_eq!(wakers.take_log(), vec![new.id()]);
    assert_eq!(new.poll(&mut get), Poll::Ready(Ok(1)));

    let mut join = q.join();
    assert!(old.poll(&mut join).is_pending());
    assert!(new.poll(&mut join).is_pending());
    q.task_done().unwrap();
    assert_eq!(wakers.take_log(), vec![new.id()]);
    assert_eq!(new.poll(&mut join), Poll::Ready(()));
}

// -------------------------------------------------------- try_put/try_get

#[test]
fn try_put_on_a_full_queue_hands_the_item_back_and_adds_nothing() {
    let q = JoinableQueue::new(1);
    q.try_put(String::from("first")).unwrap();
    let err = q.try_put(String::from("second")).unwrap_err();
    assert_eq!(err, TryPutError::Full(String::from("second")));
    assert_eq!(err.to_string(), "queue is full");
    assert_eq!(err.into_inner(), "second");
    assert_eq!(q.len(), 1);
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(q.try_get().as_deref(), Ok("first"));
}

#[test]
fn try_get_on_an_empty_queue_fails_with_empty() {
    let q = JoinableQueue::<u8>::new(3);
    let err = q.try_get().unwrap_err();
    assert_eq!(err, TryGetError::Empty);
    assert_eq!(err.to_string(), "queue is empty");
    assert_eq!(q.unfinished_tasks(), 0);
}

// ------------------------------------------------------------- task_done

#[test]
fn task_done_once_too_many_fails_and_changes_nothing() {
    let q = JoinableQueue::new(0);
    let err = q.task_done().unwrap_err();
    assert_eq!(err, TaskDoneError);
    assert_eq!(err.to_string(), "task_done() called too many times");
    assert_eq!(q.unfinished_tasks(), 0);

    q.try_put(1).unwrap();
    q.try_get().unwrap();
    q.task_done().unwrap();
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(q.unfinished_tasks(), 0);
    q.try_put(2).unwrap();
    assert_eq!(q.unfinished_tasks(), 1, "the failed call left no debt");
}

#[test]
fn task_done_is_bounded_by_the_unfinished_count_not_by_gets() {
    // CPython: the check is `unfinished_tasks <= 0`, so items still queued
    // may be marked done before anyone gets them.
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    q.try_put('b').unwrap();
    assert_eq!(q.task_done(), Ok(()), "nothing got yet, still allowed");
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(q.unfinished_tasks(), 0);
    assert_eq!(q.len(), 2, "task_done never touches the items");
    now(q.join());
}

// ------------------------------------------------------------------ join

#[test]
fn join_is_ready_at_once_when_nothing_is_unfinished() {
    let q = JoinableQueue::new(0);
    now(q.join());
    q.try_put(1).unwrap();
    q.try_get().unwrap();
    q.task_done().unwrap();
    now(q.join());
}

#[test]
fn join_waits_for_every_task_and_wakes_every_joiner() {
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    q.try_put('b').unwrap();
    let mut j1 = q.join();
    let mut j2 = q.join();
    let mut j3 = q.join();
    assert_eq!(w1.poll(&mut j1), Poll::Pending);
    assert_eq!(w2.poll(&mut j2), Poll::Pending);
    assert_eq!(w3.poll(&mut j3), Poll::Pending);

    q.try_get().unwrap();
    q.try_get().unwrap();
    q.task_done().unwrap();
    assert_eq!(w1.poll(&mut j1), Poll::Pending, "one task left");
    assert!(wakers.take_log().is_empty(), "no busy polling");

    q.task_done().unwrap();
    let mut woken = wakers.take_log();
    woken.sort_unstable();
    assert_eq!(woken, vec![w1.id(), w2.id(), w3.id()], "each joiner once");
    assert_eq!(w1.poll(&mut j1), Poll::Ready(()));
    assert_eq!(w2.poll(&mut j2), Poll::Ready(()));
    assert_eq!(w3.poll(&mut j3), Poll::Ready(()));
}

#[test]
fn a_woken_joiner_returns_even_if_a_new_item_arrives_before_it_runs() {
    // asyncio: `join()` waits on an Event; once set, the waiting join returns.
    let mut wakers = Wakers::default();
    let joiner = wakers.probe();
    let q = JoinableQueue::new(0);
    q.try_put(1).unwrap();
    let mut join = q.join();
    assert!(joiner.poll(&mut join).is_pending());
    q.try_get().unwrap();
    q.task_done().unwrap();
    assert_eq!(joiner.wakes(), 1);
    q.try_put(2).unwrap();
    assert_eq!(joiner.poll(&mut join), Poll::Ready(()));

    // A join started now waits for the new item.
    let mut later = q.join();
    assert!(joiner.poll(&mut later).is_pending());
}

#[test]
fn an_item_got_without_task_done_keeps_join_waiting() {
    let mut wakers = Wakers::default();
    let joiner = wakers.probe();
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    assert_eq!(q.try_get(), Ok('a'));
    let mut join = q.join();
    for _ in 0..3 {
        assert_eq!(joiner.poll(&mut join), Poll::Pending);
    }
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(joiner.wakes(), 0);
}

#[test]
fn a_dropped_joiner_is_not_woken() {
    let mut wakers = Wakers::default();
    let (gone, stays) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    q.try_put(()).unwrap();
    let mut dropped = q.join();
    let mut kept = q.join();
    assert!(gone.poll(&mut dropped).is_pending());
    assert!(stays.poll(&mut kept).is_pending());
    drop(dropped);
    q.task_done().unwrap();
    assert_eq!(wakers.take_log(), vec![stays.id()]);
    assert_eq!(stays.poll(&mut kept), Poll::Ready(()));
}

// ------------------------------------------------------------ accessors

#[test]
fn accessors_report_the_queue_state() {
    let q = JoinableQueue::new(2);
    assert_eq!(
        (
            q.len(),
            q.is_empty(),
            q.is_full(),
            q.maxsize(),
            q.unfinished_tasks()
        ),
        (0, true, false, 2, 0)
    );
    q.try_put(1).unwrap();
    assert_eq!(
        (q.len(), q.is_empty(), q.is_full(), q.unfinished_tasks()),
        (1, false, false, 1)
    );
    q.try_put(2).unwrap();
    assert_eq!(
        (q.len(), q.is_empty(), q.is_full(), q.unfinished_tasks()),
        (2, false, true, 2)
    );
    q.try_get().unwrap();
    assert_eq!(
        (q.len(), q.is_empty(), q.is_full(), q.unfinished_tasks()),
        (1, false, false, 2)
    );
    q.task_done().unwrap();
    assert_eq!((q.len(), q.unfinished_tasks()), (1, 1));
    assert!(!q.is_shut_down());
    q.shutdown(false);
    assert!(q.is_shut_down());
    assert_eq!(q.maxsize(), 2);
}

#[test]
fn clones_are_handles_to_the_same_queue() {
    let q = JoinableQueue::new(1);
    let other = q.clone();
    q.try_put(5).unwrap();
    assert!(other.is_full());
    assert_eq!(other.try_get(), Ok(5));
    other.task_done().unwrap();
    assert_eq!(q.unfinished_tasks(), 0);
}

// ------------------------------------------- items without Debug

/// An item with no `Debug`, `Clone` or `PartialEq`: results must still
/// unwrap, and errors must still hand it back. This test is mostly checked
/// by the compiler.
struct Plate(u32);

#[test]
fn results_unwrap_and_errors_hand_back_items_without_debug() {
    let q = JoinableQueue::new(1);
    q.try_put(Plate(1)).unwrap();
    let full = q.try_put(Plate(2)).unwrap_err();
    assert_eq!(format!("{full:?}"), "Full(..)");
    assert_eq!(full.into_inner().0, 2);
    assert_eq!(q.try_get().unwrap().0, 1);
    now(q.put(Plate(3))).unwrap();
    assert_eq!(now(q.get()).unwrap().0, 3);

    let mut put = q.put(Plate(4));
    let waiting = format!("{put:?}");
    assert!(
        waiting.starts_with("Put { queue: JoinableQueue { len: 0,"),
        "{waiting}"
    );
    assert!(waiting.ends_with("turn: None, .. }"), "{waiting}");
    assert!(format!("{:?}", q.get()).ends_with("turn: None }"));
    assert!(format!("{:?}", q.join()).contains("unfinished_tasks: 2"));
    now(&mut put).unwrap();

    q.shutdown(false);
    let shut = q.try_put(Plate(5)).unwrap_err();
    assert_eq!(format!("{shut:?}"), "ShutDown(..)");
    let shut = now(q.put(Plate(6))).unwrap_err();
    assert_eq!(format!("{shut:?}"), "ShutDown(..)");
    let error: Box<dyn std::error::Error> = Box::new(shut);
    assert_eq!(error.to_string(), "queue is shut down");
    assert_eq!(q.try_get().unwrap().0, 4);
    assert!(matches!(now(q.get()), Err(ShutDown(()))));
}

// ---------------------------------------------------- shutdown(false)

#[test]
fn after_shutdown_put_and_try_put_fail_handing_the_item_back() {
    let q = JoinableQueue::new(0);
    q.try_put(String::from("kept")).unwrap();
    assert_eq!(q.shutdown(false), 0);
    let err = q.try_put(String::from("late")).unwrap_err();
    assert_eq!(err, TryPutError::ShutDown(String::from("late")));
    assert_eq!(err.to_string(), "queue is shut down");
    assert_eq!(
        now(q.put(String::from("later"))),
        Err(ShutDown(String::from("later")))
    );
    assert_eq!(q.len(), 1);
    assert_eq!(q.unfinished_tasks(), 1);
}

#[test]
fn shutdown_wakes_blocked_putters_with_shut_down() {
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(1);
    q.try_put(0).unwrap();
    let mut granted = q.put(1);
    let mut waiting = q.put(2);
    assert!(w1.poll(&mut granted).is_pending());
    assert!(w2.poll(&mut waiting).is_pending());
    assert_eq!(q.try_get(), Ok(0));
    assert_eq!(wakers.take_log(), vec![w1.id()], "a slot granted to put(1)");

    q.shutdown(false);
    assert_eq!(wakers.take_log(), vec![w2.id()], "the waiting putter woken");
    assert_eq!(w2.poll(&mut waiting), Poll::Ready(Err(ShutDown(2))));
    assert_eq!(
        w1.poll(&mut granted),
        Poll::Ready(Err(ShutDown(1))),
        "a granted slot is no use after shutdown"
    );
    // A putter that was never polled fails on its first poll.
    let mut fresh = q.put(3);
    assert_eq!(w3.poll(&mut fresh), Poll::Ready(Err(ShutDown(3))));
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 1);
}

#[test]
fn after_shutdown_get_returns_queued_items_then_fails() {
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    q.try_put('b').unwrap();
    q.shutdown(false);
    assert_eq!(now(q.get()), Ok('a'));
    assert_eq!(q.try_get(), Ok('b'));
    assert_eq!(q.try_get(), Err(TryGetError::ShutDown));
    assert_eq!(TryGetError::ShutDown.to_string(), "queue is shut down");
    assert_eq!(now(q.get()), Err(ShutDown(())));
}

#[test]
fn shutdown_wakes_blocked_getters_with_shut_down() {
    let mut wakers = Wakers::default();
    let (w1, w2) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::<u8>::new(0);
    let mut g1 = q.get();
    let mut g2 = q.get();
    assert!(w1.poll(&mut g1).is_pending());
    assert!(w2.poll(&mut g2).is_pending());
    q.shutdown(false);
    assert_eq!(wakers.take_log(), vec![w1.id(), w2.id()]);
    assert_eq!(w1.poll(&mut g1), Poll::Ready(Err(ShutDown(()))));
    assert_eq!(w2.poll(&mut g2), Poll::Ready(Err(ShutDown(()))));
}

#[test]
fn shutdown_lets_a_granted_getter_take_its_item() {
    let mut wakers = Wakers::default();
    let (w1, w2) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut g1 = q.get();
    let mut g2 = q.get();
    assert!(w1.poll(&mut g1).is_pending());
    assert!(w2.poll(&mut g2).is_pending());
    q.try_put('x').unwrap();
    assert_eq!(wakers.take_log(), vec![w1.id()]);
    q.shutdown(false);
    assert_eq!(wakers.take_log(), vec![w2.id()], "no item will come for g2");
    assert_eq!(w2.poll(&mut g2), Poll::Ready(Err(ShutDown(()))));
    assert_eq!(w1.poll(&mut g1), Poll::Ready(Ok('x')));
}

#[test]
fn a_getter_dropped_after_shutdown_hands_its_item_to_one_the_shutdown_woke() {
    // CPython 3.13, Lib/asyncio/queues.py, `get()` (lines 180-200):
    //     while self.empty():
    //         if self._is_shutdown and self.empty():
    //             raise QueueShutDown
    //         ...
    //         try:
    //             await getter
    //         except:
    //             getter.cancel()  # Just in case getter is not done yet.
    //             ...
    //             if not self.empty() and not getter.cancelled():
    //                 self._wakeup_next(self._getters)
    //             raise
    //     return self.get_nowait()
    // `shutdown()` wakes g2; g1 is cancelled before it runs, so the item is
    // still queued when g2 re-checks `empty()`, and g2 takes it.
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut g1 = q.get();
    let mut g2 = q.get();
    let mut g3 = q.get();
    assert!(w1.poll(&mut g1).is_pending());
    assert!(w2.poll(&mut g2).is_pending());
    assert!(w3.poll(&mut g3).is_pending());
    q.try_put('x').unwrap();
    assert_eq!(wakers.take_log(), vec![w1.id()]);
    q.shutdown(false);
    assert_eq!(wakers.take_log(), vec![w2.id(), w3.id()]);

    drop(g1);
    assert!(wakers.take_log().is_empty(), "g2 was woken once already");
    assert_eq!(
        q.try_get(),
        Err(TryGetError::ShutDown),
        "the item is g2's; a newcomer after shutdown is told to stop"
    );
    assert_eq!(w2.poll(&mut g2), Poll::Ready(Ok('x')));
    assert_eq!(w3.poll(&mut g3), Poll::Ready(Err(ShutDown(()))));
    assert!(q.is_empty());
    assert_eq!(
        q.unfinished_tasks(),
        1,
        "the item still needs its task_done"
    );
    assert_eq!((w1.wakes(), w2.wakes(), w3.wakes()), (1, 1, 1));
}

#[test]
fn after_shutdown_a_handed_back_item_skips_getters_that_already_stopped() {
    let mut wakers = Wakers::default();
    let (w1, w2, w3) = (wakers.probe(), wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut g1 = q.get();
    let mut g2 = q.get();
    let mut g3 = q.get();
    assert!(w1.poll(&mut g1).is_pending());
    assert!(w2.poll(&mut g2).is_pending());
    assert!(w3.poll(&mut g3).is_pending());
    q.try_put('x').unwrap();
    q.shutdown(false);
    // g2 runs while the item is still g1's: it stops, as it would in CPython
    // had g1 taken the item first.
    assert_eq!(w2.poll(&mut g2), Poll::Ready(Err(ShutDown(()))));
    drop(g1);
    assert_eq!(
        w3.poll(&mut g3),
        Poll::Ready(Ok('x')),
        "next woken, not run"
    );

    // With no woken getter left to run, a handed-back item stays queued
    // for whoever gets next.
    let q = JoinableQueue::new(0);
    let mut lone = q.get();
    assert!(w1.poll(&mut lone).is_pending());
    q.try_put('y').unwrap();
    q.shutdown(false);
    drop(lone);
    assert_eq!(q.len(), 1);
    assert_eq!(now(q.get()), Ok('y'));
    assert_eq!(q.try_get(), Err(TryGetError::ShutDown));
}

#[test]
fn a_putter_dropped_after_shutdown_hands_its_slot_to_nobody() {
    // CPython 3.13, Lib/asyncio/queues.py: `put()` (lines 133-154) loops
    // `while self.full(): if self._is_shutdown: raise QueueShutDown`, and a
    // woken putter that finds room ends in `put_nowait()`, whose first line
    // is `if self._is_shutdown: raise QueueShutDown`. A cancelled putter's
    // `_wakeup_next(self._putters)` finds the line empty after `shutdown()`.
    // So after shutdown no slot helps anyone: p2 fails and nothing goes in.
    let mut wakers = Wakers::default();
    let (w1, w2) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(1);
    q.try_put(0).unwrap();
    let mut p1 = q.put(1);
    let mut p2 = q.put(2);
    assert!(w1.poll(&mut p1).is_pending());
    assert!(w2.poll(&mut p2).is_pending());
    assert_eq!(q.try_get(), Ok(0));
    assert_eq!(wakers.take_log(), vec![w1.id()]);
    q.shutdown(false);
    assert_eq!(wakers.take_log(), vec![w2.id()]);

    drop(p1);
    assert!(wakers.take_log().is_empty());
    assert_eq!(w2.poll(&mut p2), Poll::Ready(Err(ShutDown(2))));
    assert!(q.is_empty());
    assert_eq!(q.try_put(3), Err(TryPutError::ShutDown(3)));
    assert_eq!(q.unfinished_tasks(), 1);
}

#[test]
fn after_shutdown_join_still_needs_a_task_done_per_item() {
    let mut wakers = Wakers::default();
    let joiner = wakers.probe();
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    q.try_put('b').unwrap();
    q.shutdown(false);
    let mut join = q.join();
    assert!(joiner.poll(&mut join).is_pending());
    q.try_get().unwrap();
    q.try_get().unwrap();
    q.task_done().unwrap();
    assert_eq!(joiner.wakes(), 0);
    assert!(joiner.poll(&mut join).is_pending());
    q.task_done().unwrap();
    assert_eq!(joiner.wakes(), 1);
    assert_eq!(joiner.poll(&mut join), Poll::Ready(()));
}

// ----------------------------------------------------- shutdown(true)

#[test]
fn immediate_shutdown_removes_the_queued_items_and_their_tasks() {
    let mut wakers = Wakers::default();
    let joiner = wakers.probe();
    let token = Rc::new(());
    let q = JoinableQueue::new(0);
    for _ in 0..3 {
        q.try_put(Rc::clone(&token)).unwrap();
    }
    let taken = q.try_get().unwrap();
    let mut join = q.join();
    assert!(joiner.poll(&mut join).is_pending());

    assert_eq!(q.shutdown(true), 2, "reports how many it removed");
    assert!(q.is_empty());
    assert_eq!(Rc::strong_count(&token), 2, "removed items are dropped");
    assert_eq!(q.unfinished_tasks(), 1, "the item already got still counts");
    assert_eq!(q.try_get(), Err(TryGetError::ShutDown));
    assert_eq!(joiner.wakes(), 0, "join waits for the item already got");

    drop(taken);
    q.task_done().unwrap();
    assert_eq!(joiner.wakes(), 1);
    assert_eq!(joiner.poll(&mut join), Poll::Ready(()));
}

#[test]
fn immediate_shutdown_wakes_join_when_nothing_was_taken() {
    let mut wakers = Wakers::default();
    let joiner = wakers.probe();
    let q = JoinableQueue::new(0);
    q.try_put(1).unwrap();
    q.try_put(2).unwrap();
    let mut join = q.join();
    assert!(joiner.poll(&mut join).is_pending());
    assert_eq!(q.shutdown(true), 2);
    assert_eq!(joiner.wakes(), 1);
    assert_eq!(joiner.poll(&mut join), Poll::Ready(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
}

#[test]
fn immediate_shutdown_takes_back_an_item_granted_to_a_getter() {
    let mut wakers = Wakers::default();
    let getter = wakers.probe();
    let q = JoinableQueue::new(0);
    let mut get = q.get();
    assert!(getter.poll(&mut get).is_pending());
    q.try_put('x').unwrap();
    assert_eq!(getter.wakes(), 1);
    assert_eq!(q.shutdown(true), 1);
    assert_eq!(getter.poll(&mut get), Poll::Ready(Err(ShutDown(()))));
    assert_eq!(q.unfinished_tasks(), 0);
}

#[test]
fn immediate_shutdown_after_early_task_done_does_not_underflow() {
    // CPython subtracts only while `unfinished_tasks > 0`: items marked done
    // before they were got are removed without a second subtraction.
    let q = JoinableQueue::new(0);
    q.try_put('a').unwrap();
    q.try_put('b').unwrap();
    q.task_done().unwrap();
    q.task_done().unwrap();
    assert_eq!(q.shutdown(true), 2);
    assert_eq!(q.unfinished_tasks(), 0);
    assert!(q.is_empty());
    now(q.join());
}

#[test]
fn shutdown_twice_is_harmless() {
    let q = JoinableQueue::new(0);
    q.try_put(1).unwrap();
    q.try_put(2).unwrap();
    assert_eq!(q.shutdown(false), 0);
    assert_eq!(q.shutdown(false), 0);
    assert_eq!((q.len(), q.unfinished_tasks()), (2, 2));
    assert_eq!(q.try_get(), Ok(1));

    // An immediate call after a plain one drains what the first one left.
    assert_eq!(q.shutdown(true), 1);
    assert_eq!((q.len(), q.unfinished_tasks()), (0, 1));
    assert_eq!(q.shutdown(true), 0);
    assert_eq!(q.shutdown(false), 0);
    assert_eq!((q.len(), q.unfinished_tasks()), (0, 1));
    assert!(q.is_shut_down());
}

// --------------------------------------------------------- cancellation

#[test]
fn dropping_a_pending_get_loses_no_item() {
    let mut wakers = Wakers::default();
    let (gone, stays) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut dropped = q.get();
    let mut kept = q.get();
    assert!(gone.poll(&mut dropped).is_pending());
    assert!(stays.poll(&mut kept).is_pending());
    drop(dropped);
    q.try_put('x').unwrap();
    assert_eq!(
        wakers.take_log(),
        vec![stays.id()],
        "the dropped getter left the line"
    );
    assert_eq!(stays.poll(&mut kept), Poll::Ready(Ok('x')));

    // Without another getter the item stays queued.
    let mut lone = q.get();
    assert!(gone.poll(&mut lone).is_pending());
    drop(lone);
    q.try_put('y').unwrap();
    assert!(wakers.take_log().is_empty());
    assert_eq!(q.try_get(), Ok('y'));
}

#[test]
fn dropping_a_granted_but_unpolled_get_passes_its_item_on() {
    let mut wakers = Wakers::default();
    let (gone, next) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(0);
    let mut granted = q.get();
    let mut waiting = q.get();
    assert!(gone.poll(&mut granted).is_pending());
    assert!(next.poll(&mut waiting).is_pending());
    q.try_put('x').unwrap();
    assert_eq!(wakers.take_log(), vec![gone.id()]);
    drop(granted);
    assert_eq!(wakers.take_log(), vec![next.id()], "the item passes on");
    assert_eq!(next.poll(&mut waiting), Poll::Ready(Ok('x')));

    // With nobody waiting it stays queued for the next newcomer.
    let mut lone = q.get();
    assert!(gone.poll(&mut lone).is_pending());
    q.try_put('y').unwrap();
    assert_eq!(q.try_get(), Err(TryGetError::Empty), "reserved for `lone`");
    drop(lone);
    assert_eq!(q.len(), 1);
    assert_eq!(q.try_get(), Ok('y'));
    assert_eq!(q.unfinished_tasks(), 2);
}

#[test]
fn dropping_a_pending_put_inserts_nothing() {
    let mut wakers = Wakers::default();
    let putter = wakers.probe();
    let token = Rc::new(());
    let q = JoinableQueue::new(1);
    q.try_put(Rc::clone(&token)).unwrap();
    let mut put = q.put(Rc::clone(&token));
    assert!(putter.poll(&mut put).is_pending());
    drop(put);
    assert_eq!(Rc::strong_count(&token), 2, "its item was dropped with it");
    q.try_get().unwrap();
    assert_eq!(putter.wakes(), 0);
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 1, "only the first put counts");
}

#[test]
fn dropping_a_granted_but_unpolled_put_passes_its_slot_on() {
    let mut wakers = Wakers::default();
    let (gone, next) = (wakers.probe(), wakers.probe());
    let q = JoinableQueue::new(1);
    q.try_put(0).unwrap();
    let mut granted = q.put(1);
    let mut waiting = q.put(2);
    assert!(gone.poll(&mut granted).is_pending());
    assert!(next.poll(&mut waiting).is_pending());
    q.try_get().unwrap();
    assert_eq!(wakers.take_log(), vec![gone.id()]);
    drop(granted);
    assert_eq!(wakers.take_log(), vec![next.id()], "the slot passes on");
    assert_eq!(next.poll(&mut waiting), Poll::Ready(Ok(())));
    assert_eq!(q.try_get(), Ok(2));
    assert_eq!(q.unfinished_tasks(), 2, "1 was never put");

    // With nobody waiting the slot is free again.
    q.try_put(3).unwrap();
    let mut lone = q.put(4);
    assert!(gone.poll(&mut lone).is_pending());
    q.try_get().unwrap();
    assert_eq!(
        q.try_put(9),
        Err(TryPutError::Full(9)),
        "reserved for `lone`"
    );
    drop(lone);
    assert_eq!(q.try_put(5), Ok(()));
    assert_eq!(q.try_get(), Ok(5));
}

// ------------------------------------------- wakers that use the queue

/// What a [`Hooked`] waker does when woken, with its id.
type Hook = Box<dyn FnMut(usize)>;

thread_local! {
    static ON_WAKE: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// A waker that runs this thread's [`ON_WAKE`] hook, as a logging waker or
/// an executor that polls at once would run its own code.
struct Hooked(usize);

impl Wake for Hooked {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let id = self.0;
        ON_WAKE.with(|hook| (hook.borrow_mut().as_mut().expect("a hook is set"))(id));
    }
}

fn hooked(id: usize) -> Waker {
    Waker::from(Arc::new(Hooked(id)))
}

fn poll_with<F: Future + Unpin>(waker: &Waker, future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// What a woken waker saw of the queue through every read method.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    id: usize,
    len: usize,
    empty: bool,
    full: bool,
    unfinished: usize,
    shut: bool,
    waiting: (usize, usize, usize),
}

/// Installs a hook that reads `q` each time a [`Hooked`] waker is woken;
/// returns what it saw, in order.
fn watch(q: &JoinableQueue<u32>) -> Rc<RefCell<Vec<Seen>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (q, log) = (q.clone(), Rc::clone(&seen));
    ON_WAKE.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move |id| {
            assert!(format!("{q:?}").starts_with("JoinableQueue {"));
            log.borrow_mut().push(Seen {
                id,
                len: q.len(),
                empty: q.is_empty(),
                full: q.is_full(),
                unfinished: q.unfinished_tasks(),
                shut: q.is_shut_down(),
                waiting: (
                    q.waiting_getters(),
                    q.waiting_putters(),
                    q.waiting_joiners(),
                ),
            });
        }));
    });
    seen
}

/// The state a waker should see: nothing shut down, nobody left waiting.
fn seen(id: usize, len: usize, full: bool, unfinished: usize) -> Seen {
    Seen {
        id,
        len,
        empty: len == 0,
        full,
        unfinished,
        shut: false,
        waiting: (0, 0, 0),
    }
}

fn take(seen: &Rc<RefCell<Vec<Seen>>>) -> Vec<Seen> {
    std::mem::take(&mut *seen.borrow_mut())
}

#[test]
fn a_waker_may_read_the_queue_when_a_put_or_a_get_wakes_it() {
    let q = JoinableQueue::new(1);
    let log = watch(&q);

    // put -> getter, through try_put and through a put future.
    let mut get = q.get();
    assert!(poll_with(&hooked(1), &mut get).is_pending());
    q.try_put(10).unwrap();
    assert_eq!(take(&log), vec![seen(1, 1, true, 1)], "after the put");
    assert_eq!(poll_with(&hooked(1), &mut get), Poll::Ready(Ok(10)));
    let mut get = q.get();
    assert!(poll_with(&hooked(2), &mut get).is_pending());
    now(q.put(11)).unwrap();
    assert_eq!(take(&log), vec![seen(2, 1, true, 2)]);
    assert_eq!(poll_with(&hooked(2), &mut get), Poll::Ready(Ok(11)));

    // get -> putter, through try_get and through a get future.
    q.try_put(12).unwrap();
    let mut put = q.put(13);
    assert!(poll_with(&hooked(3), &mut put).is_pending());
    assert_eq!(q.try_get(), Ok(12));
    assert_eq!(take(&log), vec![seen(3, 0, false, 3)], "after the get");
    assert_eq!(poll_with(&hooked(3), &mut put), Poll::Ready(Ok(())));
    let mut put = q.put(14);
    assert!(poll_with(&hooked(4), &mut put).is_pending());
    assert_eq!(now(q.get()), Ok(13));
    assert_eq!(take(&log), vec![seen(4, 0, false, 4)]);
    assert_eq!(poll_with(&hooked(4), &mut put), Poll::Ready(Ok(())));
}

#[test]
fn a_waker_may_read_the_queue_when_task_done_or_shutdown_wakes_it() {
    let q = JoinableQueue::new(1);
    let log = watch(&q);

    // task_done -> joiners.
    q.try_put(1).unwrap();
    q.try_get().unwrap();
    let mut join = q.join();
    assert!(poll_with(&hooked(1), &mut join).is_pending());
    q.task_done().unwrap();
    assert_eq!(take(&log), vec![seen(1, 0, false, 0)]);
    assert_eq!(poll_with(&hooked(1), &mut join), Poll::Ready(()));

    // shutdown -> a getter; then shutdown(immediate) on a full queue -> a
    // putter and a joiner.
    let mut get = q.get();
    assert!(poll_with(&hooked(2), &mut get).is_pending());
    q.shutdown(false);
    let shut = |id, len, unfinished| Seen {
        shut: true,
        ..seen(id, len, len == 1, unfinished)
    };
    assert_eq!(take(&log), vec![shut(2, 0, 0)]);
    assert_eq!(
        poll_with(&hooked(2), &mut get),
        Poll::Ready(Err(ShutDown(())))
    );

    let q = JoinableQueue::new(1);
    let log = watch(&q);
    q.try_put(1).unwrap();
    let mut put = q.put(2);
    let mut join = q.join();
    assert!(poll_with(&hooked(3), &mut put).is_pending());
    assert!(poll_with(&hooked(4), &mut join).is_pending());
    assert_eq!(q.shutdown(true), 1);
    assert_eq!(take(&log), vec![shut(4, 0, 0), shut(3, 0, 0)]);
    assert_eq!(
        poll_with(&hooked(3), &mut put),
        Poll::Ready(Err(ShutDown(2)))
    );
    assert_eq!(poll_with(&hooked(4), &mut join), Poll::Ready(()));
}

#[test]
fn a_waker_may_read_the_queue_when_a_dropped_future_hands_on() {
    let q = JoinableQueue::new(1);
    let log = watch(&q);

    // A granted getter dropped: its item passes on to the next getter.
    let mut g1 = q.get();
    let mut g2 = q.get();
    assert!(poll_with(&hooked(1), &mut g1).is_pending());
    assert!(poll_with(&hooked(2), &mut g2).is_pending());
    q.try_put(7).unwrap();
    let g2_waits = Seen {
        waiting: (1, 0, 0),
        ..seen(1, 1, true, 1)
    };
    assert_eq!(take(&log), vec![g2_waits]);
    drop(g1);
    assert_eq!(take(&log), vec![seen(2, 1, true, 1)]);
    assert_eq!(poll_with(&hooked(2), &mut g2), Poll::Ready(Ok(7)));

    // A granted putter dropped: its slot passes on to the next putter.
    q.try_put(8).unwrap();
    let mut p1 = q.put(9);
    let mut p2 = q.put(10);
    assert!(poll_with(&hooked(3), &mut p1).is_pending());
    assert!(poll_with(&hooked(4), &mut p2).is_pending());
    q.try_get().unwrap();
    let p2_waits = Seen {
        waiting: (0, 1, 0),
        ..seen(3, 0, false, 2)
    };
    assert_eq!(take(&log), vec![p2_waits]);
    drop(p1);
    assert_eq!(take(&log), vec![seen(4, 0, false, 2)]);
    assert_eq!(poll_with(&hooked(4), &mut p2), Poll::Ready(Ok(())));
}

#[test]
fn a_waker_may_poll_the_woken_future_at_once() {
    // An executor that polls a task as soon as it is woken: the hook polls
    // the woken getter, which takes its item from inside the waker.
    let q: &'static JoinableQueue<u32> = Box::leak(Box::new(JoinableQueue::new(0)));
    let get = Rc::new(RefCell::new(q.get()));
    let got = Rc::new(RefCell::new(Vec::new()));
    let (future, log) = (Rc::clone(&get), Rc::clone(&got));
    ON_WAKE.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move |id| {
            let out = poll_with(&hooked(id), &mut *future.borrow_mut());
            log.borrow_mut().push(out);
        }));
    });
    assert!(poll_with(&hooked(1), &mut *get.borrow_mut()).is_pending());
    q.try_put(5).unwrap();
    assert_eq!(*got.borrow(), vec![Poll::Ready(Ok(5))]);
    assert!(q.is_empty());
    assert_eq!(q.unfinished_tasks(), 1);
}
