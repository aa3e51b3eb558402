//! The deterministic executor: tasks, virtual time, one seeded RNG, and the
//! event trace they write to.
//!
//! A [`Sim`] runs `async` tasks on one thread. Time does not pass by itself:
//! when no task can run, the clock jumps to the earliest pending
//! [`Ctx::sleep`] deadline and wakes that sleeper. Ready tasks run in the
//! order they were woken, timers with equal deadlines fire in the order they
//! were set, and all randomness comes from one ChaCha8 stream. So the same
//! tasks and seed give the same trace on every platform, whether the clock is
//! driven flat out ([`Sim::run`]) or in slices by a browser timer
//! ([`Sim::run_until`]) or one event at a time ([`Sim::step`]).
//!
//! A task may also await something from the outside world (a real network
//! fetch) wrapped in [`Ctx::external`]. While such a future is in flight an
//! idle simulation is not stuck but *waiting on the outside*: it reports
//! [`Progress::Paused`], and whoever drives it advances the clock with real
//! time until the outside answers.
//!
//! Tasks only see a [`Ctx`]: sleep, now, random numbers, spawn, join,
//! terminate and emit an [`Event`]. A task spawned with
//! [`Ctx::spawn_daemon`] is a daemon (Python's `daemon = True`): it does not
//! keep the run going, and ends, with a [`EventKind::DaemonExit`] event,
//! when the last other task has ended.

use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod timers;
mod wake;

use timers::{Timer, Timers, MAX_SEQ, MAX_SLOTS};
use wake::{Ready, WakerId};

use crate::stats::Recorder;
use crate::trace::{duration_to_nanos, ActorId, Event, EventKind, ItemId, Nanos};

type BoxedTask = Pin<Box<dyn Future<Output = ()>>>;

/// Receives every event a run emits, in order, after the run's
/// [`Recorder`] (only where someone asked to watch the events: the page's
/// views and charts, a trace kept, a program's own log), with what the
/// recorder measured of it: of a get, how long its item waited.
pub type Observer = Box<dyn FnMut(&Event, Option<Nanos>)>;

/// A task's slot index and generation (the generation tells a reused slot
/// from the task that held it before) in one word, the generation in its
/// high half and the index plus one in its low half: stored and loaded
/// whole, never in parts (see [`timers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TaskKey(NonZeroU64);

impl TaskKey {
    /// The key of slot `index` (below `u32::MAX`: fewer tasks live at once,
    /// each holds memory) in its `generation`.
    fn new(index: usize, generation: u32) -> TaskKey {
        TaskKey(NonZeroU64::MIN.saturating_add(u64::from(generation) << 32 | index as u64))
    }

    fn index(self) -> usize {
        (self.0.get() as u32 - 1) as usize
    }

    fn generation(self) -> u32 {
        (self.0.get() >> 32) as u32
    }
}

/// Completion of a task, shared with its [`TaskHandle`]s.
#[derive(Default)]
struct Completion {
    done: Cell<bool>,
    joiners: RefCell<Vec<Waker>>,
}

impl Completion {
    fn complete(&self) {
        self.done.set(true);
        for waker in self.joiners.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

/// What a poll of a task needs, shared by its slot and a poll in
/// progress: the poll holds it while the slot may change (a task spawned,
/// or this one ended).
struct TaskCell {
    /// Borrowed while the task is polled; `None` once it ended.
    future: RefCell<Option<BoxedTask>>,
    /// The waker its polls get, made once: a poll clones nothing.
    waker: Waker,
}

struct Task {
    generation: u32,
    /// The sequence number the next timer set had when the task was
    /// spawned: a timer of its slot with a lower one was set by a task
    /// that held the slot before, and wakes nobody.
    born: u64,
    cell: Rc<TaskCell>,
    /// Its wakers' entry: freed with the task, so that they do nothing then.
    _waker_id: WakerId,
    actor: Option<ActorId>,
    daemon: bool,
    completion: Rc<Completion>,
}

struct Core {
    now: Cell<Nanos>,
    slots: RefCell<Vec<Option<Task>>>,
    free_slots: RefCell<Vec<usize>>,
    generations: RefCell<Vec<u32>>,
    /// Tasks ready to run, in the order they were woken, whether by the
    /// executor or by their wakers (see [`wake`]).
    ready: Rc<Ready>,
    timers: RefCell<Timers>,
    timer_seq: Cell<u64>,
    /// [`Ctx::external`] futures created and neither finished nor dropped.
    external: Cell<usize>,
    current: Cell<Option<TaskKey>>,
    rng: RefCell<ChaCha8Rng>,
    /// What every run derives from its events.
    recorder: RefCell<Recorder>,
    /// Who else sees the events, if anyone: a run nobody watches pays
    /// nothing for it.
    observer: Option<RefCell<Observer>>,
    events: Cell<u64>,
    live_tasks: Cell<usize>,
    /// Live daemon tasks (counted in `live_tasks` too).
    live_daemons: Cell<usize>,
}

/// What a call to [`Sim::run_until`], [`Sim::run`] or [`Sim::step`] ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Every task has finished.
    Finished,
    /// Nothing can run and no timer is pending, yet tasks still wait:
    /// they will wait forever.
    Stuck,
    /// The time limit was reached; there is more to run.
    Paused,
}

/// The executor: owns the tasks and drives virtual time.
pub struct Sim {
    core: Rc<Core>,
}

/// What a task sees of the executor. Cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    core: Rc<Core>,
}

impl Sim {
    /// An empty simulation at time 0 whose RNG is seeded with `seed`; its
    /// events go to its [`Recorder`], then to `observer` if there is one.
    pub fn new(seed: u64, observer: Option<Observer>) -> Self {
        Self {
            core: Rc::new(Core {
                now: Cell::new(0),
                slots: RefCell::new(Vec::new()),
                free_slots: RefCell::new(Vec::new()),
                generations: RefCell::new(Vec::new()),
                ready: Rc::default(),
                timers: RefCell::default(),
                timer_seq: Cell::new(0),
                external: Cell::new(0),
                current: Cell::new(None),
                rng: RefCell::new(ChaCha8Rng::seed_from_u64(seed)),
                recorder: RefCell::default(),
                observer: observer.map(RefCell::new),
                events: Cell::new(0),
                live_tasks: Cell::new(0),
                live_daemons: Cell::new(0),
            }),
        }
    }

    /// The handle tasks use.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            core: Rc::clone(&self.core),
        }
    }

    /// Current virtual time.
    pub fn now(&self) -> Nanos {
        self.core.now.get()
    }

    /// Events emitted so far.
    pub fn event_count(&self) -> u64 {
        self.core.events.get()
    }

    /// What the run has derived from its events so far.
    pub fn recorder(&self) -> Ref<'_, Recorder> {
        self.core.recorder.borrow()
    }

    /// How many [`Ctx::external`] futures are in flight.
    pub fn external_in_flight(&self) -> usize {
        self.core.external.get()
    }

    /// Runs until every task finished, the run is stuck, or only the
    /// outside world can move it (an [`Ctx::external`] future is in flight;
    /// the clock then stays where it is).
    pub fn run(&self) -> Progress {
        self.run_until(Nanos::MAX)
    }

    /// Runs every event up to and including virtual time `limit`, then sets
    /// the clock to `limit` (if the run is not over before). Waiting on the
    /// outside also moves the clock to `limit`, unless `limit` is
    /// `Nanos::MAX` ("no limit").
    pub fn run_until(&self, limit: Nanos) -> Progress {
        loop {
            self.core.run_ready();
            match self.core.fire_next_timer(limit) {
                Some(()) => {}
                None if self.core.has_timers() => {
                    self.core.now.set(self.core.now.get().max(limit));
                    return Progress::Paused;
                }
                None if self.core.waits_on_outside() => {
                    if limit < Nanos::MAX {
                        self.core.now.set(self.core.now.get().max(limit));
                    }
                    return Progress::Paused;
                }
                None => return self.core.idle_outcome(),
            }
        }
    }

    /// Runs until at least one more event was emitted (or the run ends),
    /// whatever virtual time that takes.
    pub fn step(&self) -> Progress {
        self.step_within(Nanos::MAX)
    }

    /// Runs until at least one more event was emitted at or before virtual
    /// time `limit` (or the run ends). When the next event lies past
    /// `limit`, nothing runs: it returns [`Progress::Paused`] with the
    /// clock at `limit`, as [`Sim::run_until`] leaves it, so stepping to a
    /// limit shows exactly what running to it shows.
    pub fn step_within(&self, limit: Nanos) -> Progress {
        let before = self.core.events.get();
        loop {
            while self.core.events.get() == before {
                if !self.core.poll_one() {
                    break;
                }
            }
            if self.core.events.get() != before {
                return if self.core.live_non_daemons() == 0 {
                    Progress::Finished
                } else {
                    Progress::Paused
                };
            }
            if self.core.fire_next_timer(limit).is_none() {
                if self.core.has_timers() {
                    self.core.now.set(self.core.now.get().max(limit));
                    return Progress::Paused;
                }
                if self.core.waits_on_outside() {
                    return Progress::Paused;
                }
                return self.core.idle_outcome();
            }
        }
    }

    /// The actors of the tasks that have not finished, in spawn order of
    /// their slots. After [`Progress::Stuck`] these are the ones that wait
    /// forever.
    pub fn live_actors(&self) -> Vec<ActorId> {
        self.core
            .slots
            .borrow()
            .iter()
            .flatten()
            .filter_map(|task| task.actor)
            .collect()
    }
}

impl Core {
    /// Nothing can run, but an [`Ctx::external`] future may still wake a task.
    fn waits_on_outside(&self) -> bool {
        self.external.get() > 0 && self.live_tasks.get() > 0
    }

    /// Whether a timer of a live task is pending. Timers of tasks that
    /// were terminated while they slept stay in the heap until their
    /// deadline, but wake nobody: counting them would keep an idle run
    /// paused (and its clock moving) when driven in slices, and end it
    /// later than a run driven in one go.
    fn has_timers(&self) -> bool {
        let slots = self.slots.borrow();
        self.timers
            .borrow()
            .iter()
            .any(|timer| Self::sleeper(&slots, timer).is_some())
    }

    /// The live task a timer wakes: none if its task has ended (it was
    /// terminated while it slept).
    fn sleeper(slots: &[Option<Task>], timer: Timer) -> Option<&Task> {
        slots
            .get(timer.slot)?
            .as_ref()
            .filter(|task| task.born <= timer.seq)
    }

    fn live_non_daemons(&self) -> usize {
        self.live_tasks.get() - self.live_daemons.get()
    }

    fn idle_outcome(&self) -> Progress {
        if self.live_non_daemons() == 0 {
            Progress::Finished
        } else {
            Progress::Stuck
        }
    }

    #[inline]
    fn pop_ready(&self) -> Option<TaskKey> {
        self.ready.pop()
    }

    fn run_ready(&self) {
        while self.poll_one() {}
    }

    /// Polls the next ready task; false when none is ready.
    fn poll_one(&self) -> bool {
        let Some(key) = self.pop_ready() else {
            return false;
        };
        let cell = {
            let slots = self.slots.borrow();
            match slots.get(key.index()).and_then(Option::as_ref) {
                Some(task) if task.generation == key.generation() => {
                    self.ready.polled(key);
                    Rc::clone(&task.cell)
                }
                _ => return true,
            }
        };
        self.poll_task(key, cell);
        true
    }

    /// Polls a live task (always inlined: it is the executor's inner loop,
    /// at both its callers). If it ended meanwhile (it returned, or it was
    /// terminated while it ran), its future is dropped here, outside
    /// every borrow.
    #[inline(always)]
    fn poll_task(&self, key: TaskKey, cell: Rc<TaskCell>) {
        self.current.set(Some(key));
        let poll = match cell.future.borrow_mut().as_mut() {
            Some(future) => future.as_mut().poll(&mut Context::from_waker(&cell.waker)),
            None => Poll::Pending,
        };
        self.current.set(None);
        if poll.is_ready() {
            let future = self.finish(key);
            drop(future);
        }
        // A task terminated while it ran left its future in the cell:
        // it goes with the cell, here.
        drop(cell);
    }

    /// Advances the clock to the earliest timer at or before `limit` and
    /// polls its task. `None` when there is no such timer.
    ///
    /// It is called only when no task is ready, so polling the sleeper at
    /// once is what waking it would come to: it would be the first, and
    /// only, ready task.
    fn fire_next_timer(&self, limit: Nanos) -> Option<()> {
        loop {
            let timer = self.timers.borrow_mut().pop_until(limit)?;
            let (key, cell) = {
                let slots = self.slots.borrow();
                match Self::sleeper(&slots, timer) {
                    Some(task) => (
                        TaskKey::new(timer.slot, task.generation),
                        Rc::clone(&task.cell),
                    ),
                    // The sleeper was terminated: its timer is void and
                    // time does not move for it.
                    None => continue,
                }
            };
            self.now.set(self.now.get().max(timer.deadline));
            self.poll_task(key, cell);
            return Some(());
        }
    }

    /// Wakes the running task at `deadline` (out of line: inlined into
    /// every task's sleep, it made a 1×1 run 5% more instructions).
    #[inline(never)]
    fn set_timer(&self, deadline: Nanos) {
        let task = self
            .current
            .get()
            .expect("Ctx::sleep is awaited inside a task of its Sim");
        let seq = self.timer_seq.get();
        debug_assert!(seq < MAX_SEQ, "days of timers at full speed");
        self.timer_seq.set(seq + 1);
        self.timers.borrow_mut().push(Timer {
            deadline,
            seq,
            slot: task.index(),
        });
    }

    fn spawn(&self, actor: Option<ActorId>, daemon: bool, future: BoxedTask) -> TaskHandle {
        let index = self.free_slots.borrow_mut().pop().unwrap_or_else(|| {
            let mut slots = self.slots.borrow_mut();
            slots.push(None);
            self.generations.borrow_mut().push(0);
            slots.len() - 1
        });
        // Unreachable with valid settings: every program's caps keep its
        // tasks at once below it.
        assert!(
            index < MAX_SLOTS,
            "more tasks at once than a timer can name"
        );
        let generation = self.generations.borrow()[index];
        let key = TaskKey::new(index, generation);
        let waker_id = WakerId::new(&self.ready, key);
        let completion = Rc::new(Completion::default());
        self.ready.reset(index);
        self.ready.wake(key);
        self.slots.borrow_mut()[index] = Some(Task {
            generation,
            born: self.timer_seq.get(),
            cell: Rc::new(TaskCell {
                future: RefCell::new(Some(future)),
                waker: waker_id.waker(),
            }),
            _waker_id: waker_id,
            actor,
            daemon,
            completion: Rc::clone(&completion),
        });
        self.live_tasks.set(self.live_tasks.get() + 1);
        if daemon {
            self.live_daemons.set(self.live_daemons.get() + 1);
        }
        TaskHandle { key, completion }
    }

    /// Removes a task (finished or terminated); returns its future if it was
    /// not running, so the caller can drop it outside any borrow.
    fn finish(&self, key: TaskKey) -> Option<BoxedTask> {
        let task = {
            let mut slots = self.slots.borrow_mut();
            let slot = slots.get_mut(key.index())?;
            if slot.as_ref()?.generation != key.generation() {
                return None;
            }
            slot.take()?
        };
        self.generations.borrow_mut()[key.index()] = key.generation().wrapping_add(1);
        self.free_slots.borrow_mut().push(key.index());
        self.live_tasks.set(self.live_tasks.get() - 1);
        if task.daemon {
            self.live_daemons.set(self.live_daemons.get() - 1);
        } else if self.live_non_daemons() == 0 && self.live_daemons.get() > 0 {
            self.end_daemons();
        }
        task.completion.complete();
        // Taken unless it is being polled (it terminated itself, or ended
        // the daemons as their last other task): the poll drops it then.
        let future = task.cell.future.try_borrow_mut().ok()?.take();
        future
    }

    /// Ends every daemon task (the last other task has ended), in slot order,
    /// each with a [`EventKind::DaemonExit`] event if it acts for an actor.
    fn end_daemons(&self) {
        let daemons: Vec<(TaskKey, Option<ActorId>)> = self
            .slots
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| {
                let task = slot.as_ref().filter(|t| t.daemon)?;
                let key = TaskKey::new(index, task.generation);
                Some((key, task.actor))
            })
            .collect();
        for (key, actor) in daemons {
            let future = self.finish(key);
            drop(future);
            if let Some(actor) = actor {
                self.emit(actor, EventKind::DaemonExit, None);
            }
        }
    }

    /// Always inlined: the event's kind is then known where it is emitted,
    /// and the recorder's work for the other kinds drops out.
    #[inline(always)]
    fn emit(&self, actor: ActorId, kind: EventKind, item: Option<ItemId>) {
        let event = Event {
            time: self.now.get(),
            actor,
            kind,
            item,
        };
        self.events.set(self.events.get() + 1);
        let wait = self.recorder.borrow_mut().record(&event);
        if let Some(observer) = &self.observer {
            (observer.borrow_mut())(&event, wait);
        }
    }
}

impl Ctx {
    /// Current virtual time.
    pub fn now(&self) -> Nanos {
        self.core.now.get()
    }

    /// Waits `duration` of virtual time.
    pub fn sleep(&self, duration: Duration) -> Sleep<'_> {
        self.sleep_nanos(duration_to_nanos(duration))
    }

    /// Waits `nanos` of virtual time ([`sleep`](Ctx::sleep) without the
    /// `Duration`).
    pub fn sleep_nanos(&self, nanos: Nanos) -> Sleep<'_> {
        Sleep {
            core: &self.core,
            deadline: self.now().saturating_add(nanos),
            armed: false,
        }
    }

    /// Wraps a future that completes in the outside world (a real fetch in
    /// the browser), not in virtual time. While it is in flight (created and
    /// neither finished nor dropped), an idle simulation reports
    /// [`Progress::Paused`] instead of [`Progress::Stuck`]: it waits on the
    /// outside, and the clock is for its driver to move.
    pub fn external<F: Future>(&self, future: F) -> External<F> {
        self.core.external.set(self.core.external.get() + 1);
        External {
            future: Box::pin(future),
            in_flight: Some(InFlight(Rc::clone(&self.core))),
        }
    }

    /// A uniform random number in `[0, 1)` from the run's seeded stream.
    ///
    /// Built from the raw 64-bit output (top 53 bits), so the value for a
    /// given seed does not depend on `rand`'s sampling algorithms.
    pub fn random(&self) -> f64 {
        (self.core.rng.borrow_mut().next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Starts a task acting as `actor`.
    pub fn spawn(&self, actor: ActorId, future: impl Future<Output = ()> + 'static) -> TaskHandle {
        self.core.spawn(Some(actor), false, Box::pin(future))
    }

    /// Starts a daemon task, acting as `actor` if given: it does not keep the
    /// run going, and is ended (with a [`EventKind::DaemonExit`] event for
    /// its actor) as soon as every non-daemon task has ended, as Python ends
    /// a `daemon = True` process when the main program exits.
    pub fn spawn_daemon(
        &self,
        actor: Option<ActorId>,
        future: impl Future<Output = ()> + 'static,
    ) -> TaskHandle {
        self.core.spawn(actor, true, Box::pin(future))
    }

    /// Ends a task now (Python's `terminate()`), dropping whatever it was
    /// waiting on. Returns whether it was still running.
    pub fn terminate(&self, handle: &TaskHandle) -> bool {
        let running = !handle.is_finished();
        let future = self.core.finish(handle.key);
        drop(future);
        running
    }

    /// Appends an event, stamped with the current time, to the trace.
    #[inline(always)]
    pub fn emit(&self, actor: ActorId, kind: EventKind, item: Option<ItemId>) {
        self.core.emit(actor, kind, item);
    }
}

/// Future of [`Ctx::sleep`].
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep<'a> {
    /// Borrowed from the [`Ctx`]: a sleep costs no reference count.
    core: &'a Core,
    deadline: Nanos,
    armed: bool,
}

impl Future for Sleep<'_> {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.core.now.get() >= self.deadline {
            return Poll::Ready(());
        }
        if !self.armed {
            self.arm();
        }
        Poll::Pending
    }
}

impl Sleep<'_> {
    /// Sets its timer. The timer heap's push stays out of line
    /// ([`Core::set_timer`]), so the poll that finds the time come (half of
    /// them) stays a compare; the call itself is inlined, which saves its
    /// frame (2% of a 1×1 run's instructions).
    #[inline]
    fn arm(&mut self) {
        self.core.set_timer(self.deadline);
        self.armed = true;
    }
}

/// Future of [`Ctx::external`].
#[must_use = "futures do nothing unless awaited"]
pub struct External<F> {
    future: Pin<Box<F>>,
    /// Counts the future as in flight until it finishes or is dropped.
    in_flight: Option<InFlight>,
}

/// Decrements the in-flight count of external futures when dropped.
struct InFlight(Rc<Core>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.external.set(self.0.external.get() - 1);
    }
}

impl<F: Future> Future for External<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let output = std::task::ready!(self.future.as_mut().poll(cx));
        self.in_flight = None;
        Poll::Ready(output)
    }
}

/// A spawned task: wait for it with [`join`](TaskHandle::join) (Python's
/// `p.join()`), end it with [`Ctx::terminate`].
#[derive(Clone)]
pub struct TaskHandle {
    key: TaskKey,
    completion: Rc<Completion>,
}

impl TaskHandle {
    /// Whether the task returned or was terminated.
    pub fn is_finished(&self) -> bool {
        self.completion.done.get()
    }

    /// Waits until the task returned or was terminated.
    pub fn join(&self) -> TaskJoin {
        TaskJoin {
            completion: Rc::clone(&self.completion),
        }
    }
}

/// Future of [`TaskHandle::join`].
#[must_use = "futures do nothing unless awaited"]
pub struct TaskJoin {
    completion: Rc<Completion>,
}

impl Future for TaskJoin {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.completion.done.get() {
            return Poll::Ready(());
        }
        let mut joiners = self.completion.joiners.borrow_mut();
        if !joiners.iter().any(|w| w.will_wake(cx.waker())) {
            joiners.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for Sim {
    /// Tasks hold [`Ctx`] handles back to the core; dropping them here breaks
    /// that cycle so a finished or abandoned run frees its memory.
    fn drop(&mut self) {
        let tasks: Vec<Task> = self.core.slots.borrow_mut().drain(..).flatten().collect();
        self.core.timers.borrow_mut().clear();
        drop(tasks);
    }
}
