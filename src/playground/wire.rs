//! The bytes between the page and its worker: a session's [`Command`]s one
//! way, the engine's [`Reply`]s (progress, and snapshots of facts: the
//! moment, the charts' data) the other. Written by hand, not by a serde
//! format, to keep the page's side small: every number is an unsigned
//! LEB128 varint (a float travels as its bits), every list its length then
//! its elements, every enum its variant's index then its fields. The
//! config travels as its link ([`super::link`]), which reads it back
//! exactly, and its time limit (which links leave out).
//!
//! Reading never panics: bytes that end early or hold an unknown variant
//! read as `None`.

use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use crate::lang::Lang;
use crate::lines::Lines;
use crate::run::{Outcome, Stuck};
use crate::series::{ChartData, Steps, WaitBin};
use crate::stats::Counts;
use crate::trace::{ActorId, Event, EventKind, Fault, FetchFault, ItemId, Role, WaitingOn};

use super::link;
use super::session::{Command, Derived, Moment, Position, Progress, Reply, Snapshot};
use super::stage::{
    ConsumerLane, ConsumerState, Log, MainStep, ProducerLane, ProducerState, Stage,
};

/// Bytes being written.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn f(&mut self, v: f64) {
        self.u(v.to_bits());
    }

    fn b(&mut self, v: bool) {
        self.u(v as u64);
    }
}

/// Bytes being read; past the end (or on a bad value) `bad` is set and
/// every number reads as 0.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    bad: bool,
}

impl Reader<'_> {
    fn u(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let Some(&byte) = self.bytes.get(self.at) else {
                self.bad = true;
                return 0;
            };
            self.at += 1;
            if shift < 64 {
                v |= u64::from(byte & 0x7f) << shift;
            }
            shift += 7;
            if byte < 0x80 {
                return v;
            }
        }
    }

    fn u32(&mut self) -> u32 {
        let v = self.u();
        u32::try_from(v).unwrap_or_else(|_| {
            self.bad = true;
            0
        })
    }

    /// A length: never more than the bytes left (each element takes one at
    /// least), so a bad length cannot ask for a huge allocation.
    fn len(&mut self) -> usize {
        let v = self.u();
        let left = self.bytes.len() - self.at;
        if v > left as u64 {
            self.bad = true;
            return 0;
        }
        v as usize
    }

    fn f(&mut self) -> f64 {
        f64::from_bits(self.u())
    }

    fn b(&mut self) -> bool {
        self.u() != 0
    }

    fn fail<T>(&mut self, fallback: T) -> T {
        self.bad = true;
        fallback
    }

    fn list<T>(&mut self, mut one: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = self.len();
        (0..n).map(|_| one(self)).collect()
    }
}

// ---- the vocabulary ----------------------------------------------------------------------------

fn put_item(w: &mut Writer, item: Option<ItemId>) {
    match item {
        None => w.u(0),
        Some(item) => {
            w.u(u64::from(item.origin) + 1);
            w.u(item.seq.into());
        }
    }
}

fn take_item(r: &mut Reader) -> Option<ItemId> {
    match r.u() {
        0 => None,
        origin => Some(ItemId {
            origin: u32::try_from(origin - 1).unwrap_or_else(|_| r.fail(0)),
            seq: r.u32(),
        }),
    }
}

fn put_role(w: &mut Writer, role: Role) {
    match role {
        Role::Main => w.u(0),
        Role::Producer(i) => {
            w.u(1);
            w.u(i.into());
        }
        Role::Consumer(i) => {
            w.u(2);
            w.u(i.into());
        }
    }
}

fn take_role(r: &mut Reader) -> Role {
    match r.u() {
        0 => Role::Main,
        1 => Role::Producer(r.u32()),
        2 => Role::Consumer(r.u32()),
        _ => r.fail(Role::Main),
    }
}

fn put_waiting(w: &mut Writer, on: Option<WaitingOn>) {
    match on {
        None => w.u(0),
        Some(WaitingOn::Get) => w.u(1),
        Some(WaitingOn::Put) => w.u(2),
        Some(WaitingOn::QueueJoin) => w.u(3),
        Some(WaitingOn::TaskJoin(actor)) => {
            w.u(4);
            w.u(actor.0.into());
        }
    }
}

fn take_waiting(r: &mut Reader) -> Option<WaitingOn> {
    Some(match r.u() {
        0 => return None,
        1 => WaitingOn::Get,
        2 => WaitingOn::Put,
        3 => WaitingOn::QueueJoin,
        4 => WaitingOn::TaskJoin(ActorId(r.u32())),
        _ => return r.fail(None),
    })
}

const FETCH_FAULTS: [FetchFault; 6] = [
    FetchFault::MalformedUrl,
    FetchFault::Network,
    FetchFault::CrossOrigin,
    FetchFault::Timeout,
    FetchFault::NotText,
    FetchFault::TooLarge,
];

/// An event kind as its index and one number of payload.
fn kind_parts(kind: EventKind) -> (u64, u64) {
    use EventKind as K;
    match kind {
        K::Produce => (0, 0),
        K::Put => (1, 0),
        K::PutBlocked => (2, 0),
        K::Get => (3, 0),
        K::GetBlocked => (4, 0),
        K::Consume => (5, 0),
        K::TaskDone => (6, 0),
        K::JoinStart => (7, 0),
        K::JoinDone => (8, 0),
        K::TaskJoinStart(a) => (9, a.0.into()),
        K::TaskJoinDone(a) => (10, a.0.into()),
        K::Terminate => (11, 0),
        K::Finish => (12, 0),
        K::Drop => (13, 0),
        K::Error(fault) => (
            14,
            match fault {
                Fault::TaskDoneTooMany => 0,
                Fault::PutAfterShutdown => 1,
                Fault::StaleAck => 2,
                Fault::Fetch(FetchFault::HttpStatus(status)) => 3 + u64::from(status),
                Fault::Fetch(f) => {
                    // After every status: 3 + 65536 + the fault's index.
                    3 + 65536 + FETCH_FAULTS.iter().position(|&g| g == f).unwrap_or(0) as u64
                }
            },
        ),
        K::SentinelPut => (15, 0),
        K::SentinelGet => (16, 0),
        K::Shutdown { immediate } => (17, immediate as u64),
        K::GetShutDown => (18, 0),
        K::Killed => (19, 0),
        K::DaemonExit => (20, 0),
        K::Ack => (21, 0),
        K::Redeliver => (22, 0),
        K::DeadLetter => (23, 0),
    }
}

fn take_kind(r: &mut Reader) -> EventKind {
    use EventKind as K;
    let tag = r.u();
    let payload = r.u();
    let actor = || ActorId(payload as u32);
    match tag {
        0 => K::Produce,
        1 => K::Put,
        2 => K::PutBlocked,
        3 => K::Get,
        4 => K::GetBlocked,
        5 => K::Consume,
        6 => K::TaskDone,
        7 => K::JoinStart,
        8 => K::JoinDone,
        9 => K::TaskJoinStart(actor()),
        10 => K::TaskJoinDone(actor()),
        11 => K::Terminate,
        12 => K::Finish,
        13 => K::Drop,
        14 => K::Error(match payload {
            0 => Fault::TaskDoneTooMany,
            1 => Fault::PutAfterShutdown,
            2 => Fault::StaleAck,
            p if p < 3 + 65536 => Fault::Fetch(FetchFault::HttpStatus((p - 3) as u16)),
            p => match FETCH_FAULTS.get((p - 3 - 65536) as usize) {
                Some(&f) => Fault::Fetch(f),
                None => r.fail(Fault::StaleAck),
            },
        }),
        15 => K::SentinelPut,
        16 => K::SentinelGet,
        17 => K::Shutdown {
            immediate: payload != 0,
        },
        18 => K::GetShutDown,
        19 => K::Killed,
        20 => K::DaemonExit,
        21 => K::Ack,
        22 => K::Redeliver,
        23 => K::DeadLetter,
        _ => r.fail(K::Produce),
    }
}

fn put_event(w: &mut Writer, e: &Event) {
    w.u(e.time);
    w.u(e.actor.0.into());
    let (tag, payload) = kind_parts(e.kind);
    w.u(tag);
    w.u(payload);
    put_item(w, e.item);
}

fn take_event(r: &mut Reader) -> Event {
    Event {
        time: r.u(),
        actor: ActorId(r.u32()),
        kind: take_kind(r),
        item: take_item(r),
    }
}

// ---- the facts of a moment ---------------------------------------------------------------------

fn put_counts(w: &mut Writer, c: &Counts) {
    for v in [
        c.produced,
        c.put,
        c.got,
        c.consumed,
        c.task_done,
        c.dropped,
        c.errors,
        c.redelivered,
    ] {
        w.u(v);
    }
}

fn take_counts(r: &mut Reader) -> Counts {
    Counts {
        produced: r.u(),
        put: r.u(),
        got: r.u(),
        consumed: r.u(),
        task_done: r.u(),
        dropped: r.u(),
        errors: r.u(),
        redelivered: r.u(),
    }
}

/// Who waits on what for actors `0..actors`, then the three shared lines
/// in their order.
fn put_lines(w: &mut Writer, lines: &Lines, actors: usize) {
    w.u(actors as u64);
    for a in 0..actors {
        put_waiting(w, lines.waiting_on(ActorId(a as u32)));
    }
    for on in [WaitingOn::Get, WaitingOn::Put, WaitingOn::QueueJoin] {
        let line = lines.line(on);
        w.u(line.len() as u64);
        for actor in line {
            w.u(actor.0.into());
        }
    }
}

/// The lines as [`put_lines`] wrote them.
fn take_lines(r: &mut Reader) -> Lines {
    let waiting = r.list(take_waiting);
    let mut line = || r.list(|r| ActorId(r.u32()));
    let lines = [line(), line(), line()];
    Lines::from_parts(waiting, lines)
}

fn put_stuck(w: &mut Writer, s: &Stuck) {
    w.u(s.actor.0.into());
    put_role(w, s.role);
    put_waiting(w, Some(s.waiting_on));
}

fn take_stuck(r: &mut Reader) -> Stuck {
    Stuck {
        actor: ActorId(r.u32()),
        role: take_role(r),
        waiting_on: take_waiting(r).unwrap_or_else(|| r.fail(WaitingOn::Get)),
    }
}

fn put_stage(w: &mut Writer, s: &Stage) {
    w.u(s.roles.len() as u64);
    for &role in &s.roles {
        put_role(w, role);
    }
    w.u(s.producers.len() as u64);
    for p in &s.producers {
        w.u(p.actor.0.into());
        let (tag, item) = match p.state {
            ProducerState::Producing(i) => (0, Some(i)),
            ProducerState::Putting(i) => (1, Some(i)),
            ProducerState::Blocked(i) => (2, Some(i)),
            ProducerState::Done => (3, None),
        };
        w.u(tag);
        put_item(w, item);
        w.u(p.made.into());
    }
    w.u(s.consumers.len() as u64);
    for c in &s.consumers {
        w.u(c.actor.0.into());
        let (tag, item) = match c.state {
            ConsumerState::Idle => (0, None),
            ConsumerState::WaitingGet => (1, None),
            ConsumerState::Working(i) => (2, Some(i)),
            ConsumerState::Terminated => (3, None),
            ConsumerState::Finished => (4, None),
        };
        w.u(tag);
        put_item(w, item);
        w.u(c.consumed);
    }
    w.u(s.queue.len() as u64);
    for &item in &s.queue {
        put_item(w, Some(item));
    }
    w.u(s.capacity as u64);
    w.u(s.steps.len() as u64);
    for step in &s.steps {
        match *step {
            MainStep::JoinProducer(a) => {
                w.u(0);
                w.u(a.0.into());
            }
            MainStep::JoinQueue => w.u(1),
            MainStep::Terminate => w.u(2),
        }
    }
    w.u(s.main_cursor as u64);
    w.b(s.main_finished);
    w.u(s.dead_letters);
}

fn take_some_item(r: &mut Reader) -> ItemId {
    take_item(r).unwrap_or_else(|| r.fail(ItemId { origin: 0, seq: 0 }))
}

fn take_stage(r: &mut Reader) -> Stage {
    let roles = r.list(take_role);
    let producers = r.list(|r| {
        let actor = ActorId(r.u32());
        let tag = r.u();
        let item = take_item(r);
        let mut with_item = |f: fn(ItemId) -> ProducerState| match item {
            Some(i) => f(i),
            None => r.fail(ProducerState::Done),
        };
        let state = match tag {
            0 => with_item(ProducerState::Producing),
            1 => with_item(ProducerState::Putting),
            2 => with_item(ProducerState::Blocked),
            3 => ProducerState::Done,
            _ => r.fail(ProducerState::Done),
        };
        ProducerLane {
            actor,
            state,
            made: r.u32(),
        }
    });
    let consumers = r.list(|r| {
        let actor = ActorId(r.u32());
        let tag = r.u();
        let item = take_item(r);
        let state = match (tag, item) {
            (0, _) => ConsumerState::Idle,
            (1, _) => ConsumerState::WaitingGet,
            (2, Some(i)) => ConsumerState::Working(i),
            (3, _) => ConsumerState::Terminated,
            (4, _) => ConsumerState::Finished,
            _ => r.fail(ConsumerState::Idle),
        };
        ConsumerLane {
            actor,
            state,
            consumed: r.u(),
        }
    });
    let queue: VecDeque<ItemId> = r.list(take_some_item).into();
    let capacity = r.u() as usize;
    let steps = r.list(|r| match r.u() {
        0 => MainStep::JoinProducer(ActorId(r.u32())),
        1 => MainStep::JoinQueue,
        2 => MainStep::Terminate,
        _ => r.fail(MainStep::Terminate),
    });
    Stage {
        roles,
        producers,
        consumers,
        queue,
        capacity,
        steps,
        main_cursor: r.u() as usize,
        main_finished: r.b(),
        dead_letters: r.u(),
    }
}

fn put_log(w: &mut Writer, log: &Log) {
    w.u(log.capacity as u64);
    w.u(log.total);
    w.u(log.entries.len() as u64);
    for (index, event) in &log.entries {
        w.u(*index);
        put_event(w, event);
    }
}

fn take_log(r: &mut Reader) -> Log {
    let capacity = r.u() as usize;
    let total = r.u();
    let entries: VecDeque<(u64, Event)> = r.list(|r| (r.u(), take_event(r))).into();
    if entries.len() > capacity {
        r.bad = true;
    }
    Log {
        entries,
        capacity,
        total,
    }
}

const OUTCOMES: [Outcome; 4] = [
    Outcome::Running,
    Outcome::Completed,
    Outcome::Stuck,
    Outcome::TimeLimit,
];

fn put_moment(w: &mut Writer, m: &Moment) {
    w.u(OUTCOMES.iter().position(|&o| o == m.outcome).unwrap_or(0) as u64);
    w.u(m.now);
    w.u(m.event_count);
    put_counts(w, &m.counts);
    w.u(m.in_queue);
    w.u(m.unfinished);
    put_lines(w, &m.lines, m.derived.stage.roles.len());
    w.u(m.stuck.len() as u64);
    for s in &m.stuck {
        put_stuck(w, s);
    }
    put_stage(w, &m.derived.stage);
    put_log(w, &m.derived.log);
}

fn take_moment(r: &mut Reader) -> Moment {
    let outcome = match OUTCOMES.get(r.u() as usize) {
        Some(&o) => o,
        None => r.fail(Outcome::Running),
    };
    Moment {
        outcome,
        now: r.u(),
        event_count: r.u(),
        counts: take_counts(r),
        in_queue: r.u(),
        unfinished: r.u(),
        lines: take_lines(r),
        stuck: r.list(take_stuck),
        derived: Rc::new(Derived {
            stage: take_stage(r),
            log: take_log(r),
        }),
    }
}

fn put_steps(w: &mut Writer, steps: &Steps) {
    w.u(steps.len() as u64);
    for &(t, v) in steps {
        w.u(t);
        w.u(v);
    }
}

fn take_steps(r: &mut Reader) -> Steps {
    r.list(|r| (r.u(), r.u()))
}

fn put_chart(w: &mut Writer, c: &ChartData) {
    w.u(c.end);
    w.u(c.capacity as u64);
    put_steps(w, &c.queue);
    put_steps(w, &c.produced);
    put_steps(w, &c.consumed);
    w.u(c.waits.len() as u64);
    for bin in &c.waits {
        w.u(bin.from);
        w.u(bin.to);
        w.u(bin.count);
    }
    w.u(c.wait_count);
}

fn take_chart(r: &mut Reader) -> ChartData {
    ChartData {
        end: r.u(),
        capacity: r.u() as usize,
        queue: take_steps(r),
        produced: take_steps(r),
        consumed: take_steps(r),
        waits: r.list(|r| WaitBin {
            from: r.u(),
            to: r.u(),
            count: r.u(),
        }),
        wait_count: r.u(),
    }
}

fn put_position(w: &mut Writer, p: Position) {
    match p.at {
        None => w.u(0),
        Some(t) => {
            w.u(1);
            w.u(t);
        }
    }
    w.u(p.steps);
}

fn take_position(r: &mut Reader) -> Position {
    Position {
        at: r.b().then(|| r.u()),
        steps: r.u(),
    }
}

// ---- the messages ------------------------------------------------------------------------------

/// The bytes of a command.
pub fn command_bytes(command: &Command) -> Vec<u8> {
    let mut w = Writer::default();
    match command {
        Command::Go {
            id,
            config,
            to,
            chart,
        } => {
            w.u(0);
            w.u(*id);
            let link = link::to_fragment(config, 1.0, Lang::En);
            w.u(link.len() as u64);
            w.0.extend_from_slice(link.as_bytes());
            // The time limit is no setting of the page's, so not in links.
            match config.until {
                None => w.u(0),
                Some(until) => {
                    w.u(1);
                    w.u(until.as_secs());
                    w.u(until.subsec_nanos().into());
                }
            }
            put_position(&mut w, *to);
            w.b(*chart);
        }
        Command::Cancel { id } => {
            w.u(1);
            w.u(*id);
        }
    }
    w.0
}

/// A command read from its bytes.
pub fn read_command(bytes: &[u8]) -> Option<Command> {
    let mut r = Reader {
        bytes,
        at: 0,
        bad: false,
    };
    let command = match r.u() {
        0 => {
            let id = r.u();
            let n = r.len();
            let text = std::str::from_utf8(&bytes[r.at..r.at + n]).ok()?;
            r.at += n;
            let mut config = link::parse(text).ok()??.config;
            if r.b() {
                config.until = Some(Duration::new(r.u(), r.u32()));
            }
            Command::Go {
                id,
                config: Rc::new(config),
                to: take_position(&mut r),
                chart: r.b(),
            }
        }
        1 => Command::Cancel { id: r.u() },
        _ => return None,
    };
    (!r.bad && r.at == bytes.len()).then_some(command)
}

/// The bytes of a reply.
pub fn reply_bytes(reply: &Reply) -> Vec<u8> {
    let mut w = Writer::default();
    match reply {
        Reply::Progress(id, p) => {
            w.u(0);
            w.u(*id);
            w.u(p.now);
            w.u(p.events);
            w.u(p.consumed);
            w.f(p.elapsed_ms);
        }
        Reply::Snapshot(s) => {
            w.u(1);
            w.u(s.id);
            put_position(&mut w, s.position);
            put_moment(&mut w, &s.moment);
            match &s.chart {
                None => w.u(0),
                Some(chart) => {
                    w.u(1);
                    put_chart(&mut w, chart);
                }
            }
        }
    }
    w.0
}

/// A reply read from its bytes.
pub fn read_reply(bytes: &[u8]) -> Option<Reply> {
    let mut r = Reader {
        bytes,
        at: 0,
        bad: false,
    };
    let reply = match r.u() {
        0 => Reply::Progress(
            r.u(),
            Progress {
                now: r.u(),
                events: r.u(),
                consumed: r.u(),
                elapsed_ms: r.f(),
            },
        ),
        1 => Reply::Snapshot(Box::new(Snapshot {
            id: r.u(),
            position: take_position(&mut r),
            moment: take_moment(&mut r),
            chart: r.b().then(|| take_chart(&mut r)),
        })),
        _ => return None,
    };
    (!r.bad && r.at == bytes.len()).then_some(reply)
}
