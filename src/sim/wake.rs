//! Wakers without locks or atomic reference counts.
//!
//! A [`Sim`](super::Sim) runs on one thread, but a [`Waker`] must be `Send`
//! and `Sync`: an `Arc` waker and a locked list pay for that on every wake.
//! Here a waker is a plain integer instead, a [`WakerId`]: the index and
//! generation of an entry in a table local to the thread that spawned the
//! task. The entry names the task (its key) and the ready list of its Sim.
//! Cloning the waker copies the integer, dropping it does nothing, and
//! waking it looks the entry up in the *current* thread's table:
//!
//! - While the task lives, its entry sends the wake to its own Sim, so any
//!   number of Sims on one thread, interleaved or nested, each get their
//!   own wakes (the table knows which Sim a task belongs to).
//! - When the task ends, or its Sim is dropped with it, the entry is freed
//!   and its generation moves on: a waker kept past that (a stale one, a
//!   fetch that answers after the run was thrown away) matches no entry
//!   and does nothing.
//! - A waker woken on another thread looks in that thread's table, which
//!   holds nothing of this Sim: it does nothing here. (It could match an
//!   entry of a Sim on that other thread only if index and generation were
//!   equal; each thread starts its generations at a different point to
//!   make that unlikely. At worst that is a spurious wake there, which
//!   every future tolerates; never a wrong access.)
//!
//! On 64-bit targets the integer holds a 32-bit index and a 32-bit
//! generation, as a task key does. On 32-bit targets (wasm32) it holds a
//! 20-bit index, so at most 2^20 tasks are alive at once on one thread
//! (the page's caps are far below), and a 12-bit generation: a waker kept
//! across 4,096 reuses of its entry could wake the entry's task of then
//! spuriously.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::TaskKey;

/// The tasks of one Sim that are ready to run, in the order they were
/// woken, each at most once until it is polled.
#[derive(Default)]
pub(super) struct Ready {
    keys: RefCell<VecDeque<TaskKey>>,
    /// By slot index: whether the slot's task is in `keys`.
    queued: RefCell<Vec<bool>>,
}

impl Ready {
    /// Queues the task behind every task woken before (once until polled).
    #[inline]
    pub(super) fn wake(&self, key: TaskKey) {
        let mut queued = self.queued.borrow_mut();
        if let Some(queued) = queued.get_mut(key.index()) {
            if !*queued {
                *queued = true;
                self.keys.borrow_mut().push_back(key);
            }
        }
    }

    /// A new task takes slot `index`: it is not queued (a key of the slot's
    /// previous task may still be, and is skipped when popped).
    pub(super) fn reset(&self, index: usize) {
        let mut queued = self.queued.borrow_mut();
        if queued.len() <= index {
            queued.resize(index + 1, false);
        }
        queued[index] = false;
    }

    #[inline]
    pub(super) fn pop(&self) -> Option<TaskKey> {
        self.keys.borrow_mut().pop_front()
    }

    /// The live task `key` is about to be polled: a wake queues it again.
    #[inline]
    pub(super) fn polled(&self, key: TaskKey) {
        if let Some(queued) = self.queued.borrow_mut().get_mut(key.index()) {
            *queued = false;
        }
    }
}

/// Bits of a waker's integer that hold the entry's index; the generation
/// fills the rest.
const INDEX_BITS: u32 = if usize::BITS >= 64 { 32 } else { 20 };

fn pack(index: usize, generation: u32) -> usize {
    (generation as usize) << INDEX_BITS | index
}

fn unpack_index(id: usize) -> usize {
    id & ((1 << INDEX_BITS) - 1)
}

struct Entry {
    generation: u32,
    /// The task and its Sim's ready list; `None` while the entry is free.
    target: Option<(Rc<Ready>, TaskKey)>,
}

/// The thread's wakers in use.
struct Table {
    entries: Vec<Entry>,
    free: Vec<usize>,
    /// The generation a new entry starts at (differs between threads).
    first_generation: u32,
}

/// Threads that made a table, to start each at its own generation.
static TABLES: AtomicU32 = AtomicU32::new(0);

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table {
        entries: Vec::new(),
        free: Vec::new(),
        first_generation: TABLES.fetch_add(1, Relaxed).wrapping_mul(0x9E37_79B9),
    });
}

/// A task's registration in its thread's table, and the integer of its
/// wakers. Dropping it (the task ended, or was dropped with its Sim)
/// frees the entry: its wakers then do nothing.
pub(super) struct WakerId(usize);

impl WakerId {
    /// Registers the task `key` of the Sim whose ready list is `ready`.
    pub(super) fn new(ready: &Rc<Ready>, key: TaskKey) -> WakerId {
        TABLE.with_borrow_mut(|table| {
            let target = Some((Rc::clone(ready), key));
            let index = match table.free.pop() {
                Some(index) => {
                    table.entries[index].target = target;
                    index
                }
                None => {
                    let index = table.entries.len();
                    assert!(
                        index < 1 << INDEX_BITS,
                        "more tasks alive on one thread than wakers can name"
                    );
                    let generation = table.first_generation;
                    table.entries.push(Entry { generation, target });
                    index
                }
            };
            WakerId(pack(index, table.entries[index].generation))
        })
    }

    pub(super) fn waker(&self) -> Waker {
        // SAFETY: `VTABLE`'s functions never dereference the data pointer:
        // they use it as an integer only (its address), look it up in the
        // calling thread's table, and check it there before using it. So
        // any thread may clone, wake and drop the waker at any time, also
        // after the task or its Sim is gone, as `Waker`'s contract asks.
        unsafe { Waker::from_raw(raw(self.0)) }
    }
}

impl Drop for WakerId {
    fn drop(&mut self) {
        // The table is gone only when the thread ends; nothing to free then.
        let _ = TABLE.try_with(|table| {
            let target = {
                let mut table = table.borrow_mut();
                let index = unpack_index(self.0);
                table.free.push(index);
                let entry = &mut table.entries[index];
                entry.generation = entry.generation.wrapping_add(1);
                entry.target.take()
            };
            // Its Sim's ready list goes last, with the table released.
            drop(target);
        });
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, drop_waker);

fn raw(id: usize) -> RawWaker {
    RawWaker::new(std::ptr::without_provenance(id), &VTABLE)
}

fn clone(data: *const ()) -> RawWaker {
    raw(data.addr())
}

fn wake(data: *const ()) {
    let id = data.addr();
    // No table (the thread is ending) or no live entry: nothing to wake.
    let _ = TABLE.try_with(|table| {
        let index = unpack_index(id);
        if let Some(Entry {
            generation,
            target: Some((ready, key)),
        }) = table.borrow().entries.get(index)
        {
            if pack(index, *generation) == id {
                // Touches the ready list only: nothing that could come
                // back to the table.
                ready.wake(*key);
            }
        }
    });
}

fn drop_waker(_: *const ()) {}
