//! A timer wakes the task that set it, and nobody once that task has ended:
//! not a task spawned later into the same slot, and the clock does not move
//! to its deadline.

use std::cell::Cell;
use std::rc::Rc;

use canteen::sim::{Ctx, Progress, Sim, TaskHandle};
use canteen::trace::{ActorId, Nanos};

/// Spawns a task for `actor` that sleeps `nanos` and ends.
fn spawn_sleeper(ctx: &Ctx, actor: ActorId, nanos: Nanos) -> TaskHandle {
    let sleeper = ctx.clone();
    ctx.spawn(actor, async move { sleeper.sleep_nanos(nanos).await })
}

#[test]
fn the_timer_of_a_terminated_sleeper_wakes_nobody_in_its_slot() {
    let sim = Sim::new(1, None);
    let ctx = sim.ctx();
    let polls_of_heir = Rc::new(Cell::new(0u32));
    let main = {
        let ctx = ctx.clone();
        let polls_of_heir = Rc::clone(&polls_of_heir);
        async move {
            let sleeper = spawn_sleeper(&ctx, ActorId(1), 100);
            ctx.sleep_nanos(10).await;
            assert!(ctx.terminate(&sleeper), "asleep until 100");
            // The heir takes the freed slot and waits for what never comes,
            // counting its polls.
            ctx.spawn(ActorId(2), async move {
                std::future::poll_fn(|_| {
                    polls_of_heir.set(polls_of_heir.get() + 1);
                    std::task::Poll::<()>::Pending
                })
                .await
            });
        }
    };
    ctx.spawn(ActorId(0), main);
    assert_eq!(sim.run(), Progress::Stuck, "the heir waits forever");
    assert_eq!(
        polls_of_heir.get(),
        1,
        "polled when spawned, never by the void timer"
    );
    assert_eq!(
        sim.now(),
        10,
        "time did not move to the void timer's deadline"
    );
    assert_eq!(sim.live_actors(), [ActorId(2)]);
}

#[test]
fn a_task_in_a_reused_slot_sleeps_on_its_own_timers() {
    let sim = Sim::new(1, None);
    let ctx = sim.ctx();
    let woke = Rc::new(Cell::new(None));
    let main = {
        let ctx = ctx.clone();
        let woke = Rc::clone(&woke);
        async move {
            let first = spawn_sleeper(&ctx, ActorId(1), 50);
            ctx.sleep_nanos(10).await;
            ctx.terminate(&first);
            let ctx2 = ctx.clone();
            ctx.spawn(ActorId(2), async move {
                ctx2.sleep_nanos(70).await;
                woke.set(Some(ctx2.now()));
            });
        }
    };
    ctx.spawn(ActorId(0), main);
    assert_eq!(sim.run(), Progress::Finished);
    assert_eq!(woke.get(), Some(80), "at its own deadline, 10 + 70");
    assert_eq!(sim.now(), 80);
}
