//! The executor's wakers are plain integers looked up in a table of the
//! thread (no lock, no atomic count): a waker wakes its own task in its own
//! Sim, and nothing once that task or Sim is gone, or on another thread.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use canteen::sim::{Ctx, Progress, Sim};
use canteen::trace::ActorId;

/// A task's record: how often it was polled, the waker of its first poll.
#[derive(Default)]
struct Probe {
    polls: Cell<u32>,
    waker: RefCell<Option<Waker>>,
}

impl Probe {
    fn waker(&self) -> Waker {
        self.waker.borrow().clone().expect("polled once")
    }
}

/// Pending on its first poll (keeping the waker), done on the next.
struct Park(Rc<Probe>);

impl Future for Park {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let probe = &self.0;
        probe.polls.set(probe.polls.get() + 1);
        if probe.polls.get() == 1 {
            *probe.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

fn sim() -> Sim {
    Sim::new(1, None)
}

fn park(ctx: &Ctx, actor: u32) -> Rc<Probe> {
    let probe = Rc::new(Probe::default());
    ctx.spawn(ActorId(actor), Park(Rc::clone(&probe)));
    probe
}

#[test]
fn a_waker_wakes_its_task_once_until_polled() {
    let sim = sim();
    let probe = park(&sim.ctx(), 0);
    assert_eq!(sim.run(), Progress::Stuck);
    let waker = probe.waker();
    let copy = waker.clone();
    waker.wake_by_ref();
    copy.wake();
    assert_eq!(sim.run(), Progress::Finished);
    assert_eq!(probe.polls.get(), 2);
}

#[test]
fn a_waker_kept_past_its_sim_does_nothing_to_the_next_sim() {
    let first = sim();
    let stale = park(&first.ctx(), 0);
    assert_eq!(first.run(), Progress::Stuck);
    let waker = stale.waker();
    let copy = waker.clone();
    drop(first);
    waker.wake_by_ref();

    // The next Sim's task takes the freed entry of the thread's table.
    let next = sim();
    let probe = park(&next.ctx(), 0);
    assert_eq!(next.run(), Progress::Stuck);
    copy.wake_by_ref();
    waker.wake();
    assert_eq!(next.run(), Progress::Stuck);
    assert_eq!((stale.polls.get(), probe.polls.get()), (1, 1));
    probe.waker().wake();
    assert_eq!(next.run(), Progress::Finished);
}

#[test]
fn a_waker_of_an_ended_task_does_not_wake_the_task_in_its_slot() {
    let sim = sim();
    let ctx = sim.ctx();
    let old = Rc::new(Probe::default());
    let handle = ctx.spawn(ActorId(0), Park(Rc::clone(&old)));
    assert_eq!(sim.run(), Progress::Stuck);
    assert!(ctx.terminate(&handle));
    let new = park(&ctx, 1);
    assert_eq!(sim.run(), Progress::Stuck);
    old.waker().wake();
    assert_eq!(sim.run(), Progress::Stuck);
    assert_eq!((old.polls.get(), new.polls.get()), (1, 1));
}

#[test]
fn two_sims_on_one_thread_each_get_their_own_wakes() {
    let (a, b) = (sim(), sim());
    let a_tasks = [park(&a.ctx(), 0), park(&a.ctx(), 1)];
    let b_tasks = [park(&b.ctx(), 0), park(&b.ctx(), 1)];
    assert_eq!(a.run(), Progress::Stuck);
    assert_eq!(b.run(), Progress::Stuck);

    // Woken out of order, and B's first one by a task of A while A runs.
    b_tasks[1].waker().wake();
    let waker = b_tasks[0].waker();
    a.ctx().spawn(ActorId(2), async move { waker.wake() });
    a_tasks[0].waker().wake();
    assert_eq!(a.run(), Progress::Stuck);
    let polls = |tasks: &[Rc<Probe>; 2]| tasks.each_ref().map(|t| t.polls.get());
    assert_eq!((polls(&a_tasks), polls(&b_tasks)), ([2, 1], [1, 1]));
    assert_eq!(b.run(), Progress::Finished);
    assert_eq!(polls(&b_tasks), [2, 2]);
    a_tasks[1].waker().wake();
    assert_eq!(a.run(), Progress::Finished);
}

#[test]
fn a_waker_used_on_another_thread_does_nothing() {
    let sim = sim();
    let probe = park(&sim.ctx(), 0);
    assert_eq!(sim.run(), Progress::Stuck);
    let waker = probe.waker();
    let sent = waker.clone();
    std::thread::spawn(move || {
        let copy = sent.clone();
        sent.wake_by_ref();
        copy.wake();
        sent.wake();
    })
    .join()
    .unwrap();
    assert_eq!(sim.run(), Progress::Stuck);
    assert_eq!(probe.polls.get(), 1);
    waker.wake();
    assert_eq!(sim.run(), Progress::Finished);
}
