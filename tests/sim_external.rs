//! `Ctx::external`: a future completed by the outside world (a real fetch)
//! keeps an idle simulation "waiting on the outside" (paused) instead of
//! stuck, leaves the clock to its driver, and stops counting once it
//! finishes or is dropped with its task.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use canteen::sim::{Ctx, Progress, Sim};
use canteen::trace::{ActorId, Event, EventKind, Nanos};

/// A door the test opens from outside the simulation.
#[derive(Default)]
struct Gate {
    open: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Gate {
    fn open(&self) {
        self.open.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    fn wait(self: &Rc<Self>) -> GateWait {
        GateWait(Rc::clone(self))
    }
}

struct GateWait(Rc<Gate>);

impl Future for GateWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.open.get() {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn recorded_sim() -> (Sim, Rc<RefCell<Vec<Event>>>) {
    let events: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&events);
    let sim = Sim::new(
        1,
        Some(Box::new(move |e: &Event, _| sink.borrow_mut().push(*e))),
    );
    (sim, events)
}

/// A task that waits at the gate (through `external` or not), then emits.
fn waiter(ctx: &Ctx, gate: &Rc<Gate>, external: bool) {
    let (task_ctx, gate) = (ctx.clone(), Rc::clone(gate));
    ctx.spawn(ActorId(1), async move {
        if external {
            task_ctx.external(gate.wait()).await;
        } else {
            gate.wait().await;
        }
        task_ctx.emit(ActorId(1), EventKind::Finish, None);
    });
}

fn times(events: &Rc<RefCell<Vec<Event>>>) -> Vec<Nanos> {
    events.borrow().iter().map(|e| e.time).collect()
}

#[test]
fn a_plain_wait_nobody_can_end_is_stuck() {
    let (sim, _) = recorded_sim();
    let gate = Rc::new(Gate::default());
    waiter(&sim.ctx(), &gate, false);
    assert_eq!(sim.run(), Progress::Stuck);
    assert_eq!(sim.external_in_flight(), 0);
}

#[test]
fn an_external_wait_pauses_and_the_driver_moves_the_clock() {
    let (sim, events) = recorded_sim();
    let gate = Rc::new(Gate::default());
    waiter(&sim.ctx(), &gate, true);
    assert_eq!(
        sim.run(),
        Progress::Paused,
        "waiting on the outside, not stuck"
    );
    assert_eq!(sim.now(), 0, "no limit: the clock stays");
    assert_eq!(sim.external_in_flight(), 1);
    assert_eq!(sim.step(), Progress::Paused);
    assert_eq!(sim.now(), 0);
    assert_eq!(sim.run_until(250_000_000), Progress::Paused);
    assert_eq!(sim.now(), 250_000_000, "the driver's limit");
    gate.open();
    assert_eq!(sim.run_until(300_000_000), Progress::Finished);
    assert_eq!(
        times(&events),
        [250_000_000],
        "the answer lands at the current time"
    );
    assert_eq!(sim.external_in_flight(), 0);
}

#[test]
fn virtual_timers_keep_firing_while_an_external_wait_is_in_flight() {
    let (sim, events) = recorded_sim();
    let ctx = sim.ctx();
    let gate = Rc::new(Gate::default());
    waiter(&ctx, &gate, true);
    let sleeper = ctx.clone();
    ctx.spawn(ActorId(2), async move {
        sleeper.sleep(Duration::from_millis(100)).await;
        sleeper.emit(ActorId(2), EventKind::Finish, None);
    });
    assert_eq!(sim.run_until(1_000_000_000), Progress::Paused);
    assert_eq!(times(&events), [100_000_000]);
    assert_eq!(sim.now(), 1_000_000_000);
}

#[test]
fn a_terminated_task_takes_its_external_wait_with_it() {
    let (sim, _) = recorded_sim();
    let ctx = sim.ctx();
    let gate = Rc::new(Gate::default());
    let (task_ctx, task_gate) = (ctx.clone(), Rc::clone(&gate));
    let task = ctx.spawn(ActorId(1), async move {
        task_ctx.external(task_gate.wait()).await;
    });
    // Another task that waits forever on something nobody opens.
    let never = Rc::new(Gate::default());
    waiter(&ctx, &never, false);
    assert_eq!(sim.run(), Progress::Paused);
    assert!(ctx.terminate(&task));
    assert_eq!(sim.external_in_flight(), 0);
    assert_eq!(sim.run(), Progress::Stuck, "only the plain wait is left");
}

#[test]
fn an_external_future_that_is_ready_at_once_is_not_in_flight_after() {
    let (sim, events) = recorded_sim();
    let ctx = sim.ctx();
    let task_ctx = ctx.clone();
    ctx.spawn(ActorId(1), async move {
        let value = task_ctx.external(std::future::ready(7)).await;
        assert_eq!(value, 7);
        task_ctx.emit(ActorId(1), EventKind::Finish, None);
    });
    assert_eq!(sim.run(), Progress::Finished);
    assert_eq!(sim.external_in_flight(), 0);
    assert_eq!(events.borrow().len(), 1);
}
