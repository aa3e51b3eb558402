//! `JoinableQueue<T>`: a single-threaded async FIFO queue with the contract of
//! CPython's `asyncio.Queue` / `multiprocessing.JoinableQueue` (3.13).
//!
//! The queue owns three things and nothing else: the items, the count of
//! *unfinished tasks* (items put but not yet marked [`task_done`]), and the
//! lines of tasks waiting to get, to put, or for the count to reach zero.
//! It knows nothing of time, threads, browsers or executors: waiting is done
//! with [`Waker`]s, so any executor can drive it.
//!
//! | Python                    | here                                  |
//! |---------------------------|---------------------------------------|
//! | `Queue(maxsize=0)`        | [`JoinableQueue::new(0)`] (unbounded) |
//! | `await q.put(x)`          | [`q.put(x).await`]                    |
//! | `q.put_nowait(x)`         | [`q.try_put(x)`]                      |
//! | `await q.get()`           | [`q.get().await`]                     |
//! | `q.get_nowait()`          | [`q.try_get()`]                       |
//! | `q.task_done()`           | [`q.task_done()`]                     |
//! | `await q.join()`          | [`q.join().await`]                    |
//! | `q.qsize()/empty()/full()`| [`len`]/[`is_empty`]/[`is_full`]      |
//! | `q.shutdown(immediate)`   | [`q.shutdown(immediate)`]             |
//!
//! # Fairness
//! Waiting getters and putters are served first come, first served. When an
//! item arrives while getters wait, it is *granted* to the first of them and
//! only that getter is woken; a getter that arrives later (a new [`get`] or
//! [`try_get`]) cannot take it, even if it runs before the woken one. The
//! same holds for free slots and waiting putters. (This is stricter than
//! asyncio, where a late `get_nowait()` may barge in.) Items always leave in
//! the order they came: a grant reserves *an* item, and whoever takes one
//! takes the oldest.
//!
//! The price is the *reservation rule*: between a grant and the woken
//! future's next poll, [`try_get`] fails with [`TryGetError::Empty`] although
//! [`is_empty`] is false (every queued item is reserved), and [`try_put`]
//! fails with [`TryPutError::Full`] although [`is_full`] is false (every free
//! slot is reserved). Python's `get_nowait()` raises `QueueEmpty` only when
//! `empty()`, and `put_nowait()` raises `QueueFull` only when `full()`.
//!
//! # Wake-ups
//! Nothing is polled in a loop. A pending future is woken once, through the
//! waker of its latest poll, exactly when it can finish: a getter when an
//! item is granted to it, a putter when a slot is, both on shutdown, and
//! every pending [`join`] when the unfinished count reaches zero. A join
//! woken that way completes even if a new item is put before it runs, as
//! asyncio's `join()` does. Wakers are called once the change that woke them
//! is complete and the queue's state is released, so a waker may look at the
//! queue or use it (a logging waker, an executor that polls at once).
//!
//! # Cancellation
//! Dropping a pending [`Get`] future loses no item: an item granted to it
//! passes on to the next getter, or stays queued. After a plain shutdown the
//! next getter is the first one the shutdown woke that has not run yet (in
//! CPython it re-checks `empty()` and takes the item). Dropping a pending [`Put`]
//! future inserts nothing: its item is dropped with it, and a slot granted to
//! it passes on to the next putter.
//!
//! ```
//! use canteen::JoinableQueue;
//! # use std::future::Future;
//! # fn block_on<F: Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! let q = JoinableQueue::new(2);
//! block_on(async {
//!     q.put("上海分店的热狗1").await.unwrap();
//!     q.put("北京分店的热狗1").await.unwrap();
//!     assert!(q.is_full());
//!     assert_eq!(q.get().await.unwrap(), "上海分店的热狗1");
//!     q.task_done().unwrap();
//!     assert_eq!(q.unfinished_tasks(), 1); // one hot dog still to eat
//!     q.get().await.unwrap();
//!     q.task_done().unwrap();
//!     q.join().await; // every item got was marked done
//! });
//! ```
//!
//! [`task_done`]: JoinableQueue::task_done
//! [`get`]: JoinableQueue::get
//! [`try_get`]: JoinableQueue::try_get
//! [`try_put`]: JoinableQueue::try_put
//! [`join`]: JoinableQueue::join
//! [`JoinableQueue::new(0)`]: JoinableQueue::new
//! [`q.put(x).await`]: JoinableQueue::put
//! [`q.try_put(x)`]: JoinableQueue::try_put
//! [`q.get().await`]: JoinableQueue::get
//! [`q.try_get()`]: JoinableQueue::try_get
//! [`q.task_done()`]: JoinableQueue::task_done
//! [`q.join().await`]: JoinableQueue::join
//! [`len`]: JoinableQueue::len
//! [`is_empty`]: JoinableQueue::is_empty
//! [`is_full`]: JoinableQueue::is_full
//! [`q.shutdown(immediate)`]: JoinableQueue::shutdown

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A FIFO queue shared by producers and consumers on one thread.
///
/// Cloning gives another handle to the same queue, as passing `q` to several
/// `Process`es does in Python.
pub struct JoinableQueue<T> {
    state: Rc<RefCell<State<T>>>,
}

impl<T> Clone for JoinableQueue<T> {
    fn clone(&self) -> Self {
        Self {
            state: Rc::clone(&self.state),
        }
    }
}

impl<T> fmt::Debug for JoinableQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.borrow();
        f.debug_struct("JoinableQueue")
            .field("len", &s.items.len())
            .field("maxsize", &s.maxsize)
            .field("unfinished_tasks", &s.unfinished)
            .field("shut_down", &s.shut_down)
            .finish()
    }
}

/// `try_put` failed; the item is handed back.
///
/// `Debug` prints `Full(..)` or `ShutDown(..)`, not the item, so results
/// can be unwrapped whatever the item's type.
///
/// ```
/// use canteen::queue::{JoinableQueue, TryPutError};
/// struct Order(u32); // no Debug, no PartialEq
/// let q = JoinableQueue::new(1);
/// q.try_put(Order(1)).unwrap();
/// let err = q.try_put(Order(2)).unwrap_err();
/// assert!(matches!(err, TryPutError::Full(_)));
/// assert_eq!(format!("{err:?}"), "Full(..)");
/// assert_eq!(err.to_string(), "queue is full");
/// assert_eq!(err.into_inner().0, 2); // the item comes back
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is full (Python's `queue.Full` / `asyncio.QueueFull`).
    Full(T),
    /// The queue was shut down (Python's `QueueShutDown`).
    ShutDown(T),
}

impl<T> TryPutError<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(item) | TryPutError::ShutDown(item) => item,
        }
    }
}

/// `try_get` failed.
///
/// ```
/// use canteen::queue::{JoinableQueue, TryGetError};
/// let q = JoinableQueue::<u32>::new(0);
/// assert_eq!(q.try_get(), Err(TryGetError::Empty));
/// q.shutdown(false);
/// assert_eq!(q.try_get(), Err(TryGetError::ShutDown));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryGetError {
    /// Nothing to take (Python's `queue.Empty` / `asyncio.QueueEmpty`).
    Empty,
    /// Shut down and drained (Python's `QueueShutDown`).
    ShutDown,
}

/// The queue was shut down (Python's `QueueShutDown`). A failed put hands
/// its item back in the field; a failed get carries `()`.
///
/// `Debug` prints `ShutDown(..)`, not the item.
///
/// ```
/// # use std::future::Future;
/// # fn block_on<F: Future>(f: F) -> F::Output {
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     match std::pin::pin!(f).poll(&mut cx) {
/// #         std::task::Poll::Ready(out) => out,
/// #         std::task::Poll::Pending => panic!("this example never waits"),
/// #     }
/// # }
/// use canteen::queue::{JoinableQueue, ShutDown};
/// let q = JoinableQueue::new(0);
/// q.shutdown(false);
/// let err = block_on(q.put("hot dog")).unwrap_err();
/// assert_eq!(format!("{err:?}"), "ShutDown(..)");
/// assert_eq!(err.into_inner(), "hot dog");
/// assert_eq!(block_on(q.get()), Err(ShutDown(())));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ShutDown<T = ()>(pub T);

impl<T> ShutDown<T> {
    /// The item that was not put (`()` for a get).
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// `task_done()` was called more times than there were unfinished tasks
/// (Python's `ValueError`). The count was left unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskDoneError;

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("Full(..)"),
            TryPutError::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

impl<T> fmt::Debug for ShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShutDown(..)")
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("queue is full"),
            TryPutError::ShutDown(_) => f.write_str("queue is shut down"),
        }
    }
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryGetError::Empty => f.write_str("queue is empty"),
            TryGetError::ShutDown => f.write_str("queue is shut down"),
        }
    }
}

impl<T> fmt::Display for ShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is shut down")
    }
}

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl<T> std::error::Error for TryPutError<T> {}
impl std::error::Error for TryGetError {}
impl<T> std::error::Error for ShutDown<T> {}
impl std::error::Error for TaskDoneError {}

/// Where a waiting get, put or join stands in its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// In line, nothing granted yet.
    Waiting,
    /// An item (for a getter) or a free slot (for a putter) is reserved for
    /// it; for a joiner, the unfinished count reached zero.
    Granted,
    /// Woken by `shutdown`. A getter may still be granted an item handed
    /// back before it runs (see `State::closed_getters`).
    Closed,
}

/// A future's turn, `None` while it is in no line (not polled yet, or done).
fn turn_of(waiter: &Option<Rc<Waiter>>) -> Option<Turn> {
    waiter.as_ref().map(|w| w.turn.get())
}

/// One pending `get()`, `put()` or `join()`: shared between the future and
/// its line.
struct Waiter {
    turn: Cell<Turn>,
    /// The waker of its latest poll; taken when it is woken.
    waker: Cell<Option<Waker>>,
}

impl Waiter {
    fn new(waker: &Waker) -> Rc<Self> {
        Rc::new(Self {
            turn: Cell::new(Turn::Waiting),
            waker: Cell::new(Some(waker.clone())),
        })
    }

    fn set_waker(&self, waker: &Waker) {
        let mine = match self.waker.take() {
            Some(mine) if mine.will_wake(waker) => mine,
            _ => waker.clone(),
        };
        self.waker.set(Some(mine));
    }

    /// Gives it its turn and adds its waker to `woken`, to be called once
    /// the queue's state is released.
    fn wake(&self, turn: Turn, woken: &mut Vec<Waker>) {
        self.turn.set(turn);
        if let Some(waker) = self.waker.take() {
            woken.push(waker);
        }
    }
}

/// A first-come first-served line of waiters that have not been granted yet.
#[derive(Default)]
struct Line(VecDeque<Rc<Waiter>>);

impl Line {
    fn remove(&mut self, waiter: &Rc<Waiter>) {
        if let Some(at) = self.0.iter().position(|w| Rc::ptr_eq(w, waiter)) {
            self.0.remove(at);
        }
    }

    /// Wakes every waiter in line with [`Turn::Closed`] and moves them out.
    fn close_all(&mut self, woken: &mut Vec<Waker>) -> Line {
        let mut closed = Line::default();
        for waiter in self.0.drain(..) {
            waiter.wake(Turn::Closed, woken);
            closed.0.push_back(waiter);
        }
        closed
    }
}

struct State<T> {
    items: VecDeque<T>,
    /// 0 = unbounded.
    maxsize: usize,
    unfinished: usize,
    shut_down: bool,
    getters: Line,
    putters: Line,
    /// Queued items reserved for getters that were granted but have not run yet.
    granted_items: usize,
    /// Free slots reserved for putters that were granted but have not run yet.
    granted_slots: usize,
    /// Pending joins, woken (granted) together when the count reaches zero.
    joiners: Line,
    /// Getters woken by a plain `shutdown`. As CPython's getters re-check
    /// `empty()` when they wake, those that have not run yet still take an
    /// item that a cancelled granted getter hands back, first come first
    /// served. One that ran or was dropped since holds the last reference
    /// to its waiter here, and is skipped.
    closed_getters: Line,
    /// Wakers of the waiters woken by the current change, called once the
    /// state is released (see [`JoinableQueue::change`]); empty in between.
    woken: Vec<Waker>,
    /// Waiters of gets that were granted and ran, for the next gets that
    /// wait: a blocked get allocates nothing once the run is under way.
    spare: Vec<Rc<Waiter>>,
}

impl<T> State<T> {
    /// Items a newly arriving getter may take now.
    fn available_items(&self) -> usize {
        self.items.len() - self.granted_items
    }

    /// A waiter in line with `waker`, a spare one if there is.
    fn waiter(&mut self, waker: &Waker) -> Rc<Waiter> {
        match self.spare.pop() {
            Some(waiter) => {
                waiter.turn.set(Turn::Waiting);
                waiter.waker.set(Some(waker.clone()));
                waiter
            }
            None => Waiter::new(waker),
        }
    }

    /// Keeps a done get's waiter for the next, unless a line still holds
    /// it (a closed getter's, see `closed_getters`).
    fn recycle(&mut self, waiter: Option<Rc<Waiter>>) {
        if let Some(waiter) = waiter.filter(|w| Rc::strong_count(w) == 1) {
            self.spare.push(waiter);
        }
    }

    /// Whether a newly arriving putter may put now.
    fn has_free_slot(&self) -> bool {
        self.maxsize == 0 || self.items.len() + self.granted_slots < self.maxsize
    }

    /// Hands items to waiting getters and free slots to waiting putters, in
    /// arrival order. Called after every change to the items or the lines.
    #[inline]
    fn grant(&mut self) {
        // Nobody waits, the common case: nothing to hand out.
        if !(self.getters.0.is_empty() && self.putters.0.is_empty()) {
            self.grant_to_waiters();
        }
    }

    #[inline(never)]
    fn grant_to_waiters(&mut self) {
        while self.available_items() > 0 {
            let Some(getter) = self.getters.0.pop_front() else {
                break;
            };
            self.granted_items += 1;
            getter.wake(Turn::Granted, &mut self.woken);
        }
        while !self.shut_down && self.has_free_slot() {
            let Some(putter) = self.putters.0.pop_front() else {
                break;
            };
            self.granted_slots += 1;
            putter.wake(Turn::Granted, &mut self.woken);
        }
    }

    /// After a plain shutdown no getter waits in line, so an item a dropped
    /// granted getter hands back goes to the first getter the shutdown woke
    /// that has not run yet: it was woken already and finds the item when it
    /// runs, as CPython's getters re-check `empty()` when they wake.
    fn hand_back_to_closed_getter(&mut self) {
        if self.available_items() == 0 {
            return;
        }
        while let Some(getter) = self.closed_getters.0.pop_front() {
            if Rc::strong_count(&getter) > 1 {
                self.granted_items += 1;
                getter.turn.set(Turn::Granted);
                return;
            }
        }
    }

    fn push(&mut self, item: T) {
        self.items.push_back(item);
        self.unfinished += 1;
        self.grant();
    }

    /// Takes the oldest item out. That frees a slot for a waiting putter,
    /// but gives no waiting getter an item: items a getter may take did
    /// not grow (a granted getter's item was reserved already), and none
    /// waits while there are some.
    fn pop(&mut self) -> Option<T> {
        let item = self.items.pop_front()?;
        debug_assert!(self.getters.0.is_empty() || self.available_items() == 0);
        if !self.putters.0.is_empty() {
            self.grant_to_waiters();
        }
        Some(item)
    }

    /// Releases every pending join once nothing is unfinished. A released
    /// join completes even if a new item arrives before it runs (as asyncio's
    /// `join()`, which waits for an event that was set).
    #[inline]
    fn wake_joiners_if_done(&mut self) {
        if self.unfinished == 0 && !self.joiners.0.is_empty() {
            self.wake_joiners();
        }
    }

    /// Wakes every pending join (out of line: most items leave work
    /// unfinished behind them, and nobody joins meanwhile).
    #[inline(never)]
    fn wake_joiners(&mut self) {
        for joiner in self.joiners.0.drain(..) {
            joiner.wake(Turn::Granted, &mut self.woken);
        }
    }
}

impl<T> JoinableQueue<T> {
    /// A queue that holds at most `maxsize` items; `0` means unbounded, as in
    /// Python (an unbounded queue is never [full](Self::is_full)).
    ///
    /// ```
    /// let q = canteen::JoinableQueue::<u32>::new(0);
    /// assert_eq!(q.maxsize(), 0);
    /// assert!(!q.is_full());
    /// ```
    pub fn new(maxsize: usize) -> Self {
        Self {
            state: Rc::new(RefCell::new(State {
                items: VecDeque::new(),
                maxsize,
                unfinished: 0,
                shut_down: false,
                getters: Line::default(),
                putters: Line::default(),
                granted_items: 0,
                granted_slots: 0,
                joiners: Line::default(),
                closed_getters: Line::default(),
                woken: Vec::new(),
                spare: Vec::new(),
            })),
        }
    }

    /// Puts `item`, waiting while the queue is full (backpressure).
    ///
    /// Each item put adds one unfinished task. Waiting putters get free
    /// slots in arrival order.
    ///
    /// # Errors
    /// The future resolves to [`ShutDown`], handing the item back, if the
    /// queue is or gets shut down before the item goes in.
    ///
    /// # Cancellation
    /// Dropping the future before it completes puts nothing (the item is
    /// dropped with it); a slot already granted to it passes on to the next
    /// waiting putter.
    ///
    /// ```
    /// use canteen::sim::{Progress, Sim};
    /// use canteen::trace::ActorId;
    /// use canteen::JoinableQueue;
    /// use std::time::Duration;
    ///
    /// let sim = Sim::new(0, None);
    /// let q = JoinableQueue::new(1);
    /// let (producer, ctx) = (q.clone(), sim.ctx());
    /// sim.ctx().spawn(ActorId(1), async move {
    ///     producer.put("hot dog 1").await.unwrap();
    ///     producer.put("hot dog 2").await.unwrap(); // the queue is full: waits
    ///     assert_eq!(ctx.now(), 1_000_000_000, "until the first was got");
    /// });
    /// let (consumer, ctx) = (q.clone(), sim.ctx());
    /// sim.ctx().spawn(ActorId(2), async move {
    ///     ctx.sleep(Duration::from_secs(1)).await;
    ///     assert_eq!(consumer.get().await, Ok("hot dog 1"));
    /// });
    /// assert_eq!(sim.run(), Progress::Finished);
    /// assert_eq!(q.try_get(), Ok("hot dog 2"));
    /// ```
    pub fn put(&self, item: T) -> Put<'_, T> {
        Put {
            queue: self,
            item: Some(item),
            waiter: None,
        }
    }

    /// Puts `item` if there is room now (Python's `put_nowait`). A slot
    /// granted to a waiting putter is not room.
    ///
    /// # Errors
    /// [`TryPutError::Full`] if there is no free slot, [`TryPutError::ShutDown`]
    /// after [`shutdown`](Self::shutdown); either way the item is handed back
    /// and nothing is added.
    ///
    /// Unlike `put_nowait()`, which raises `QueueFull` only when the queue is
    /// `full()`, it also fails with `Full` while [`is_full`](Self::is_full)
    /// is false, if every free slot is reserved for a putter that was woken
    /// and has not run yet (see [Fairness](crate::queue#fairness)).
    ///
    /// ```
    /// use canteen::queue::{JoinableQueue, TryPutError};
    /// let q = JoinableQueue::new(1);
    /// q.try_put("first").unwrap();
    /// assert_eq!(q.try_put("second"), Err(TryPutError::Full("second")));
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        self.change(|s| {
            if s.shut_down {
                Err(TryPutError::ShutDown(item))
            } else if s.has_free_slot() {
                s.push(item);
                Ok(())
            } else {
                Err(TryPutError::Full(item))
            }
        })
    }

    /// Takes the oldest item, waiting while the queue is empty.
    ///
    /// Waiting getters are served in arrival order.
    ///
    /// # Errors
    /// After [`shutdown`](Self::shutdown) it still returns what is queued,
    /// then resolves to [`ShutDown`] (also when it was already waiting).
    ///
    /// # Cancellation
    /// Dropping the future before it completes loses no item: one already
    /// granted to it passes on to the next waiting getter, or stays queued.
    /// After a plain shutdown it passes on to the first getter that the
    /// shutdown woke and that has not run yet: that one gets the item instead
    /// of [`ShutDown`].
    ///
    /// ```
    /// # use std::future::Future;
    /// # fn block_on<F: Future>(f: F) -> F::Output {
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     match std::pin::pin!(f).poll(&mut cx) {
    /// #         std::task::Poll::Ready(out) => out,
    /// #         std::task::Poll::Pending => panic!("this example never waits"),
    /// #     }
    /// # }
    /// use canteen::queue::{JoinableQueue, ShutDown};
    /// let q = JoinableQueue::new(0);
    /// block_on(async {
    ///     q.put('a').await.unwrap();
    ///     q.put('b').await.unwrap();
    ///     q.shutdown(false);
    ///     assert_eq!(q.get().await, Ok('a')); // queued items still come out
    ///     assert_eq!(q.get().await, Ok('b'));
    ///     assert_eq!(q.get().await, Err(ShutDown(())));
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, T> {
        Get {
            queue: self,
            waiter: None,
        }
    }

    /// Takes the oldest item if there is one for a newcomer now (Python's
    /// `get_nowait`). Items already granted to waiting getters are not.
    ///
    /// # Errors
    /// [`TryGetError::Empty`] if no item is free for it;
    /// [`TryGetError::ShutDown`] once the queue is shut down and has none.
    ///
    /// Unlike `get_nowait()`, which raises `QueueEmpty` only when the queue is
    /// `empty()`, it also fails while [`is_empty`](Self::is_empty) is false,
    /// if every queued item is reserved for a getter that was woken and has
    /// not run yet (see [Fairness](crate::queue#fairness)).
    ///
    /// ```
    /// use canteen::queue::{JoinableQueue, TryGetError};
    /// let q = JoinableQueue::new(0);
    /// assert_eq!(q.try_get(), Err(TryGetError::Empty));
    /// q.try_put(7).unwrap();
    /// assert_eq!(q.try_get(), Ok(7));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        self.change(|s| {
            if s.available_items() > 0 {
                Ok(s.pop().expect("available_items > 0 implies an item"))
            } else if s.shut_down {
                Err(TryGetError::ShutDown)
            } else {
                Err(TryGetError::Empty)
            }
        })
    }

    /// Marks one unfinished task done. When the count reaches zero every
    /// [`join`](Self::join) wakes.
    ///
    /// # Errors
    /// As in Python, the rule is about the *unfinished count*, not about
    /// gets: calling it when the count is already zero fails with
    /// [`TaskDoneError`] ("task_done() called too many times") and changes
    /// nothing. Items still queued may be marked done before they are got.
    ///
    /// ```
    /// use canteen::queue::{JoinableQueue, TaskDoneError};
    /// let q = JoinableQueue::new(0);
    /// q.try_put("hot dog").unwrap();
    /// assert_eq!(q.task_done(), Ok(())); // allowed although nobody got it
    /// assert_eq!(q.task_done(), Err(TaskDoneError));
    /// assert_eq!(q.unfinished_tasks(), 0);
    /// ```
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        self.change(|s| {
            if s.unfinished == 0 {
                return Err(TaskDoneError);
            }
            s.unfinished -= 1;
            s.wake_joiners_if_done();
            Ok(())
        })
    }

    /// Waits until every item put has been marked [`task_done`](Self::task_done);
    /// ready at once if none is unfinished. An item got and never marked
    /// done keeps it waiting forever.
    ///
    /// Every pending join is woken when the count reaches zero, and then
    /// completes even if a new item is put before it runs (as in asyncio).
    /// Dropping a pending join just leaves the line.
    ///
    /// ```
    /// use canteen::sim::{Progress, Sim};
    /// use canteen::trace::ActorId;
    /// use canteen::JoinableQueue;
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let sim = Sim::new(0, None);
    /// let q = JoinableQueue::new(0);
    /// let eaten = Rc::new(Cell::new(0));
    /// let (consumer, count) = (q.clone(), Rc::clone(&eaten));
    /// sim.ctx().spawn(ActorId(1), async move {
    ///     while let Ok(_hot_dog) = consumer.get().await {
    ///         count.set(count.get() + 1);
    ///         consumer.task_done().unwrap();
    ///     }
    /// });
    /// let (main, count) = (q.clone(), Rc::clone(&eaten));
    /// sim.ctx().spawn(ActorId(0), async move {
    ///     for hot_dog in 1..=3 {
    ///         main.put(hot_dog).await.unwrap();
    ///     }
    ///     main.join().await; // every hot dog got was marked done
    ///     assert_eq!(count.get(), 3);
    ///     main.shutdown(false); // the consumer's get() fails: it stops
    /// });
    /// assert_eq!(sim.run(), Progress::Finished);
    /// ```
    pub fn join(&self) -> Join<'_, T> {
        Join {
            queue: self,
            waiter: None,
        }
    }

    /// Shuts the queue down (Python 3.13's `shutdown`).
    ///
    /// Every later or waiting put fails with [`ShutDown`] (handing its item
    /// back); gets keep returning queued items, then fail. With
    /// `immediate = true` the queued items are removed and subtracted from the
    /// unfinished count (so `join()` waits only for items already got), and
    /// the number removed is returned; otherwise 0. Calling it again is
    /// harmless; an immediate call after a plain one removes what is left.
    ///
    /// ```
    /// use canteen::queue::{JoinableQueue, TryGetError, TryPutError};
    /// let q = JoinableQueue::new(0);
    /// q.try_put(1).unwrap();
    /// q.try_put(2).unwrap();
    /// assert_eq!(q.shutdown(false), 0);
    /// assert_eq!(q.try_put(3), Err(TryPutError::ShutDown(3)));
    /// assert_eq!(q.try_get(), Ok(1)); // queued items still come out
    /// assert_eq!(q.shutdown(true), 1); // removes item 2
    /// assert_eq!(q.try_get(), Err(TryGetError::ShutDown));
    /// assert_eq!(q.unfinished_tasks(), 1); // item 1 still needs task_done
    /// ```
    pub fn shutdown(&self, immediate: bool) -> usize {
        if immediate {
            self.shutdown_immediate().len()
        } else {
            self.shut(false);
            0
        }
    }

    /// [`shutdown(true)`](Self::shutdown) that hands the removed items back,
    /// oldest first, so a caller can report which were dropped (Python
    /// discards them).
    pub fn shutdown_immediate(&self) -> Vec<T> {
        self.shut(true).into()
    }

    fn shut(&self, immediate: bool) -> VecDeque<T> {
        self.change(|s| {
            s.shut_down = true;
            let removed = if immediate {
                let removed = std::mem::take(&mut s.items);
                s.granted_items = 0;
                // As CPython: items already marked done (task_done may run ahead
                // of get) are not subtracted twice.
                s.unfinished = s.unfinished.saturating_sub(removed.len());
                s.wake_joiners_if_done();
                removed
            } else {
                VecDeque::new()
            };
            // Getters wait only while no item is free for them. Only the
            // first shutdown finds any: once shut down, a getter fails
            // rather than wait. (After an immediate one no item is left to
            // hand back to them.)
            let closed = s.getters.close_all(&mut s.woken);
            if !closed.0.is_empty() {
                s.closed_getters = closed;
            }
            s.putters.close_all(&mut s.woken);
            removed
        })
    }

    /// Runs `change` on the state, then calls the wakers of the waiters it
    /// woke, once the state is released: a waker may then look at the queue
    /// or use it (a logging waker, an executor that polls at once).
    #[inline]
    fn change<R>(&self, change: impl FnOnce(&mut State<T>) -> R) -> R {
        let mut s = self.state.borrow_mut();
        let out = change(&mut s);
        let woke = !s.woken.is_empty();
        drop(s);
        if woke {
            self.call_wakers();
        }
        out
    }

    /// Calls the wakers a change collected, in order, each with the state
    /// released. A waker's own change adds its wakers behind the rest.
    /// (Out of line, so that the changes that wake nobody stay small.)
    #[inline(never)]
    fn call_wakers(&self) {
        loop {
            let waker = {
                let mut s = self.state.borrow_mut();
                if s.woken.is_empty() {
                    return;
                }
                // Mostly one; a shutdown may wake a few.
                s.woken.remove(0)
            };
            waker.wake();
        }
    }

    /// The number of queued items (Python's `qsize()`).
    pub fn len(&self) -> usize {
        self.state.borrow().items.len()
    }

    /// Whether no item is queued (Python's `empty()`: whether `qsize()` is 0).
    ///
    /// Items reserved for woken getters are queued: it can be false while
    /// [`try_get`](Self::try_get) fails with [`TryGetError::Empty`] (see
    /// [Fairness](crate::queue#fairness)).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the queue holds `maxsize` items (Python's `full()`: whether it
    /// reached `maxsize`); never for an unbounded queue.
    ///
    /// Slots reserved for woken putters are free: it can be false while
    /// [`try_put`](Self::try_put) fails with [`TryPutError::Full`] (see
    /// [Fairness](crate::queue#fairness)).
    pub fn is_full(&self) -> bool {
        let s = self.state.borrow();
        s.maxsize > 0 && s.items.len() >= s.maxsize
    }

    /// The capacity given to [`new`](Self::new); 0 = unbounded.
    pub fn maxsize(&self) -> usize {
        self.state.borrow().maxsize
    }

    /// Items put and not yet marked done.
    pub fn unfinished_tasks(&self) -> usize {
        self.state.borrow().unfinished
    }

    /// Whether [`shutdown`](Self::shutdown) was called.
    pub fn is_shut_down(&self) -> bool {
        self.state.borrow().shut_down
    }

    /// Getters waiting in line for an item (not yet granted one), as
    /// Python's `len(q._getters)`; a waiting getter's place is its arrival
    /// order among these.
    pub fn waiting_getters(&self) -> usize {
        self.state.borrow().getters.0.len()
    }

    /// Putters waiting in line for a free slot (not yet granted one).
    pub fn waiting_putters(&self) -> usize {
        self.state.borrow().putters.0.len()
    }

    /// Pending [`join`](Self::join)s not yet released.
    pub fn waiting_joiners(&self) -> usize {
        self.state.borrow().joiners.0.len()
    }
}

/// Future of [`JoinableQueue::put`]: `Ok(())` once the item is in, or
/// [`ShutDown`] with the item. Dropping it before then puts nothing.
#[must_use = "futures do nothing unless awaited"]
pub struct Put<'a, T> {
    queue: &'a JoinableQueue<T>,
    item: Option<T>,
    waiter: Option<Rc<Waiter>>,
}

impl<T> Unpin for Put<'_, T> {}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("queue", self.queue)
            .field("turn", &turn_of(&self.waiter))
            .finish_non_exhaustive()
    }
}

impl<T> Future for Put<'_, T> {
    type Output = Result<(), ShutDown<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Put {
            queue,
            item,
            waiter,
        } = &mut *self;
        queue.change(|s| {
            match turn_of(waiter) {
                Some(Turn::Waiting) => {
                    let waiter = waiter.as_ref().expect("turn implies waiter");
                    waiter.set_waker(cx.waker());
                    return Poll::Pending;
                }
                Some(Turn::Granted) => {
                    *waiter = None;
                    s.granted_slots -= 1;
                    if s.shut_down {
                        let item = item.take().expect("polled after completion");
                        return Poll::Ready(Err(ShutDown(item)));
                    }
                }
                Some(Turn::Closed) => {
                    *waiter = None;
                    let item = item.take().expect("polled after completion");
                    return Poll::Ready(Err(ShutDown(item)));
                }
                None => {
                    if s.shut_down {
                        let item = item.take().expect("polled after completion");
                        return Poll::Ready(Err(ShutDown(item)));
                    }
                    if !s.has_free_slot() {
                        let new = Waiter::new(cx.waker());
                        s.putters.0.push_back(Rc::clone(&new));
                        *waiter = Some(new);
                        return Poll::Pending;
                    }
                }
            }
            s.push(item.take().expect("polled after completion"));
            Poll::Ready(Ok(()))
        })
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        self.queue.change(|s| match waiter.turn.get() {
            Turn::Waiting => s.putters.remove(&waiter),
            Turn::Granted => {
                s.granted_slots -= 1;
                s.grant();
            }
            Turn::Closed => {}
        });
    }
}

/// Future of [`JoinableQueue::get`]: the oldest item, or [`ShutDown`] once
/// the queue is shut down and drained. Dropping it before then loses no item.
#[must_use = "futures do nothing unless awaited"]
pub struct Get<'a, T> {
    queue: &'a JoinableQueue<T>,
    waiter: Option<Rc<Waiter>>,
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("queue", self.queue)
            .field("turn", &turn_of(&self.waiter))
            .finish()
    }
}

impl<T> Future for Get<'_, T> {
    type Output = Result<T, ShutDown>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Get { queue, waiter } = &mut *self;
        queue.change(|s| match turn_of(waiter) {
            Some(Turn::Waiting) => {
                let waiter = waiter.as_ref().expect("turn implies waiter");
                waiter.set_waker(cx.waker());
                Poll::Pending
            }
            Some(Turn::Granted) => {
                s.recycle(waiter.take());
                // An immediate shutdown may have removed the granted item.
                if s.items.is_empty() {
                    return Poll::Ready(Err(ShutDown(())));
                }
                s.granted_items -= 1;
                Poll::Ready(Ok(s.pop().expect("checked non-empty")))
            }
            Some(Turn::Closed) => {
                *waiter = None;
                Poll::Ready(Err(ShutDown(())))
            }
            None if s.available_items() > 0 => {
                Poll::Ready(Ok(s.pop().expect("available_items > 0 implies an item")))
            }
            None if s.shut_down => Poll::Ready(Err(ShutDown(()))),
            None => {
                let new = s.waiter(cx.waker());
                s.getters.0.push_back(Rc::clone(&new));
                *waiter = Some(new);
                Poll::Pending
            }
        })
    }
}

impl<T> Drop for Get<'_, T> {
    fn drop(&mut self) {
        let Some(waiter) = self.waiter.take() else {
            return;
        };
        self.queue.change(|s| match waiter.turn.get() {
            Turn::Waiting => s.getters.remove(&waiter),
            Turn::Granted => {
                // Pass the item on; after an immediate shutdown there is none.
                if s.granted_items > 0 {
                    s.granted_items -= 1;
                    s.grant();
                    s.hand_back_to_closed_getter();
                }
            }
            Turn::Closed => {}
        });
    }
}

/// Future of [`JoinableQueue::join`]: completes when the unfinished count
/// reaches zero.
#[must_use = "futures do nothing unless awaited"]
pub struct Join<'a, T> {
    queue: &'a JoinableQueue<T>,
    waiter: Option<Rc<Waiter>>,
}

impl<T> fmt::Debug for Join<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("queue", self.queue)
            .field("turn", &turn_of(&self.waiter))
            .finish()
    }
}

impl<T> Future for Join<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut s = this.queue.state.borrow_mut();
        match turn_of(&this.waiter) {
            Some(Turn::Waiting) => {
                let waiter = this.waiter.as_ref().expect("turn implies waiter");
                waiter.set_waker(cx.waker());
                Poll::Pending
            }
            Some(_) => {
                this.waiter = None;
                Poll::Ready(())
            }
            None if s.unfinished == 0 => Poll::Ready(()),
            None => {
                let waiter = Waiter::new(cx.waker());
                s.joiners.0.push_back(Rc::clone(&waiter));
                this.waiter = Some(waiter);
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Join<'_, T> {
    fn drop(&mut self) {
        if let Some(waiter) = self.waiter.take() {
            if waiter.turn.get() == Turn::Waiting {
                self.queue.state.borrow_mut().joiners.remove(&waiter);
            }
        }
    }
}
