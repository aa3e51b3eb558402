//! The event trace: what happened, at which virtual time, to which actor and
//! item. Every statistic, every log line and every picture on the page is
//! derived from this one stream.

use std::fmt;
use std::time::Duration;

/// Virtual time since the start of a run, in nanoseconds.
pub type Nanos = u64;

/// Converts virtual nanoseconds to milliseconds (for reports).
pub fn nanos_to_ms(t: Nanos) -> f64 {
    t as f64 / 1e6
}

/// Converts a [`Duration`] to virtual nanoseconds, saturating after 584 years.
#[inline]
pub fn duration_to_nanos(d: Duration) -> Nanos {
    // In u64 arithmetic: `as_nanos()` is a u128, slow to multiply and to
    // convert on 64-bit and 32-bit targets alike.
    d.as_secs()
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(u64::from(d.subsec_nanos())))
        .unwrap_or(u64::MAX)
}

/// One participant of a run: the main program, a producer or a consumer.
/// Index into the run's actor table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId(pub u32);

/// What an actor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The main program (`if __name__ == '__main__':`).
    Main,
    /// Producer number `index` (0-based).
    Producer(u32),
    /// Consumer number `index` (0-based).
    Consumer(u32),
}

/// An item flowing through the queue: the `seq`-th item (1-based, as the
/// seed counts hot dogs) made by producer `origin` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId {
    pub origin: u32,
    pub seq: u32,
}

/// What travels through the queue: an item, or a sentinel (a poison pill,
/// Python's `None`) that tells one consumer to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parcel {
    Item(ItemId),
    Sentinel,
}

/// Something that went wrong inside a run without ending it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `task_done()` called too many times (Python's `ValueError`).
    TaskDoneTooMany,
    /// A put failed because the queue was shut down; the item was handed back.
    PutAfterShutdown,
    /// The scraper could not fetch the item's URL; the item never entered
    /// the queue and is counted as failed.
    Fetch(FetchFault),
    /// An acknowledgement for a delivery that had already expired and been
    /// redelivered: the broker rejects it (the work was done twice).
    StaleAck,
}

/// Why the scraper could not fetch a URL (the URL's row has the details).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum FetchFault {
    /// Not a URL (or path) that can be fetched.
    MalformedUrl,
    /// The server could not be reached (or the file could not be read).
    Network,
    /// The server did not allow this page to read its answer (CORS).
    CrossOrigin,
    /// The server answered with this HTTP error status.
    HttpStatus(u16),
    /// No complete answer within the fetch timeout.
    Timeout,
    /// The body is not text (an image, a binary file).
    NotText,
    /// The body is larger than the size limit.
    TooLarge,
}

impl FetchFault {
    /// The stable snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The kinds of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A producer finished making an item ("生产了 …").
    Produce,
    /// The item went into the queue.
    Put,
    /// The queue was full: the producer waits in `put()`.
    PutBlocked,
    /// A consumer took the item out of the queue.
    Get,
    /// The queue was empty: the consumer waits in `get()`.
    GetBlocked,
    /// A consumer finished working on the item ("消费了 …").
    Consume,
    /// `task_done()` for the item.
    TaskDone,
    /// Main starts waiting in `q.join()`.
    JoinStart,
    /// `q.join()` returned: every item put was marked done.
    JoinDone,
    /// Main starts waiting in `p.join()` for the given actor.
    TaskJoinStart(ActorId),
    /// `p.join()` returned for the given actor.
    TaskJoinDone(ActorId),
    /// The actor was terminated (`c.terminate()`).
    Terminate,
    /// The actor's function returned.
    Finish,
    /// The item was removed without being got (e.g. `shutdown(immediate=True)`).
    Drop,
    /// A fault the run survives.
    Error(Fault),
    /// Main put a sentinel (a poison pill, Python's `q.put(None)`).
    SentinelPut,
    /// A consumer got a sentinel: it marks it done and stops.
    SentinelGet,
    /// Main shut the queue down (`q.shutdown(immediate)`).
    Shutdown { immediate: bool },
    /// The consumer's `get()` raised `ShutDown`: the queue is shut down and
    /// empty, so it stops.
    GetShutDown,
    /// The consumer died while working on the item (failure injection).
    Killed,
    /// A daemon task ended because the main program ended.
    DaemonExit,
    /// Broker mode: the consumer acknowledged the item after its work.
    Ack,
    /// Broker mode: the item's delivery to this consumer was not acknowledged
    /// within the visibility timeout; the item went back into the queue.
    Redeliver,
    /// Broker mode: the item's last allowed delivery (to this consumer) was
    /// not acknowledged either; the item went to the dead-letter list.
    DeadLetter,
}

impl EventKind {
    /// The stable snake_case name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Produce => "produce",
            EventKind::Put => "put",
            EventKind::PutBlocked => "put_blocked",
            EventKind::Get => "get",
            EventKind::GetBlocked => "get_blocked",
            EventKind::Consume => "consume",
            EventKind::TaskDone => "task_done",
            EventKind::JoinStart => "join_start",
            EventKind::JoinDone => "join_done",
            EventKind::TaskJoinStart(_) => "task_join_start",
            EventKind::TaskJoinDone(_) => "task_join_done",
            EventKind::Terminate => "terminate",
            EventKind::Finish => "finish",
            EventKind::Drop => "drop",
            EventKind::Error(_) => "error",
            EventKind::SentinelPut => "sentinel_put",
            EventKind::SentinelGet => "sentinel_get",
            EventKind::Shutdown { immediate: false } => "shutdown",
            EventKind::Shutdown { immediate: true } => "shutdown_immediate",
            EventKind::GetShutDown => "get_shut_down",
            EventKind::Killed => "killed",
            EventKind::DaemonExit => "daemon_exit",
            EventKind::Ack => "ack",
            EventKind::Redeliver => "redeliver",
            EventKind::DeadLetter => "dead_letter",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One entry of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub time: Nanos,
    pub actor: ActorId,
    pub kind: EventKind,
    pub item: Option<ItemId>,
}

/// What a waiting actor waits on, as read from its latest event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitingOn {
    /// `q.get()` on an empty queue.
    Get,
    /// `q.put()` on a full queue.
    Put,
    /// `q.join()` with unfinished tasks.
    QueueJoin,
    /// `p.join()` for another actor.
    TaskJoin(ActorId),
}

impl WaitingOn {
    /// The wait an event starts, if it starts one.
    pub fn started_by(kind: EventKind) -> Option<Self> {
        match kind {
            EventKind::GetBlocked => Some(WaitingOn::Get),
            EventKind::PutBlocked => Some(WaitingOn::Put),
            EventKind::JoinStart => Some(WaitingOn::QueueJoin),
            EventKind::TaskJoinStart(target) => Some(WaitingOn::TaskJoin(target)),
            _ => None,
        }
    }
}

impl fmt::Display for Event {
    /// A canonical one-line form (`<ns> a<actor> <kind> <origin>:<seq>`),
    /// used to compare traces across platforms.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} a{} {}", self.time, self.actor.0, self.kind)?;
        match self.kind {
            EventKind::TaskJoinStart(target) | EventKind::TaskJoinDone(target) => {
                write!(f, " a{}", target.0)?
            }
            EventKind::Error(fault) => write!(f, " {fault:?}")?,
            _ => {}
        }
        if let Some(item) = self.item {
            write!(f, " {}:{}", item.origin, item.seq)?;
        }
        Ok(())
    }
}

/// What tests build events with.
#[cfg(test)]
pub(crate) mod testing {
    use super::{ActorId, Event, EventKind, ItemId, Nanos};

    /// Actor `actor`'s `kind` at `time`, about item `seq` of producer 0
    /// (`None`: about no item).
    pub(crate) fn ev(time: Nanos, actor: u32, kind: EventKind, seq: Option<u32>) -> Event {
        Event {
            time,
            actor: ActorId(actor),
            kind,
            item: seq.map(|seq| ItemId { origin: 0, seq }),
        }
    }
}
