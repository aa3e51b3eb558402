//! The termination lab's books, kept from the event stream alone: where
//! every item ended up (processed, dropped, lost, still queued, still in a
//! consumer's hands, never put), how often it was processed, how each
//! consumer stopped and when, and the injected failures as they happened.
//!
//! One byte-sized record per item, so a long run stays small.

use crate::trace::{ActorId, Event, EventKind, Fault, ItemId, Nanos, Role};

/// Where an item's latest copy is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Place {
    /// Made, not (yet) in the queue.
    #[default]
    Made,
    Queued,
    /// Got by a consumer that is still on it.
    InHand,
    /// Worked on and finished.
    Done,
    /// Removed from the queue without being got (`shutdown(immediate=True)`).
    Dropped,
    /// Got by a consumer that died or was terminated before finishing it.
    Lost,
}

/// One item's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemRecord {
    pub place: Place,
    /// Times it was processed (more than once only with redeliveries).
    pub processed: u8,
    /// Successful `task_done()` calls (or acknowledgements) for it.
    pub marked_done: u8,
}

/// Where an item ended, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    Processed,
    Dropped,
    Lost,
    InQueue,
    InProgress,
    NotPut,
}

impl ItemRecord {
    /// The item's fate: processed at least once wins over where a later
    /// copy is.
    pub fn fate(self) -> Fate {
        if self.processed > 0 {
            return Fate::Processed;
        }
        match self.place {
            Place::Made => Fate::NotPut,
            Place::Queued => Fate::InQueue,
            Place::InHand => Fate::InProgress,
            Place::Done => Fate::Processed,
            Place::Dropped => Fate::Dropped,
            Place::Lost => Fate::Lost,
        }
    }
}

/// How a consumer stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Ending {
    /// Its function returned (after a sentinel or `ShutDown`).
    Returned,
    /// `c.terminate()`.
    Terminated,
    /// Ended with main, as a daemon.
    DaemonExit,
    /// Died mid-item (failure injection).
    Killed,
}

impl Ending {
    /// Its name in the JSON report: `returned`, `terminated`, `daemon_exit`
    /// or `killed`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// A consumer's stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    pub how: Ending,
    pub at: Nanos,
}

/// One `task_done()` (or acknowledgement) too many, as it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraCall {
    pub consumer: ActorId,
    pub item: ItemId,
    pub at: Nanos,
    /// Whether it raised (`ValueError`, or a rejected stale acknowledgement);
    /// otherwise it silently took one off the unfinished count.
    pub raised: bool,
}

/// A consumer that died mid-item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Death {
    pub consumer: ActorId,
    pub item: ItemId,
    pub at: Nanos,
}

/// A redelivery: the item was given up on at `from` and put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redelivery {
    pub from: ActorId,
    pub item: ItemId,
    pub at: Nanos,
    /// The consumer that got it next, if one did.
    pub to: Option<ActorId>,
}

/// The books of one run.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    roles: Vec<Role>,
    /// `items[origin][seq - 1]`.
    items: Vec<Vec<ItemRecord>>,
    /// The item each actor holds (index = actor).
    holding: Vec<Option<ItemId>>,
    /// The item each actor just processed and has not yet marked done.
    unmarked: Vec<Option<ItemId>>,
    /// How and when each actor stopped, if it did (consumers only).
    stops: Vec<Option<Stop>>,
    pub last_processed_at: Option<Nanos>,
    pub join_returned_at: Option<Nanos>,
    pub deaths: Vec<Death>,
    pub extra_calls: Vec<ExtraCall>,
    /// An item's own `task_done()` that raised because the count was
    /// already 0 (after an earlier extra call).
    pub refused: Vec<ExtraCall>,
    pub redeliveries: Vec<Redelivery>,
    /// Items processed and never marked done by their consumer (a forgotten
    /// `task_done()` or acknowledgement), with that consumer.
    pub forgotten: Vec<(ActorId, ItemId)>,
    pub sentinels_put: u64,
    pub sentinels_got: u64,
    pub acks: u64,
    pub stale_acks: u64,
}

impl Ledger {
    /// Empty books for a run with this actor table.
    pub fn new(roles: &[Role]) -> Ledger {
        Ledger {
            roles: roles.to_vec(),
            holding: vec![None; roles.len()],
            unmarked: vec![None; roles.len()],
            stops: vec![None; roles.len()],
            ..Ledger::default()
        }
    }

    fn record_mut(&mut self, item: ItemId) -> &mut ItemRecord {
        let origin = item.origin as usize;
        if self.items.len() <= origin {
            self.items.resize_with(origin + 1, Vec::new);
        }
        let list = &mut self.items[origin];
        let at = item.seq.saturating_sub(1) as usize;
        if list.len() <= at {
            list.resize(at + 1, ItemRecord::default());
        }
        &mut list[at]
    }

    /// An item's record, if it was made.
    pub fn record_of(&self, item: ItemId) -> Option<ItemRecord> {
        let seq = item.seq.checked_sub(1)?;
        self.items
            .get(item.origin as usize)?
            .get(seq as usize)
            .copied()
    }

    /// Every item made, in producer then sequence order, with its record.
    pub fn items(&self) -> impl Iterator<Item = (ItemId, ItemRecord)> + '_ {
        self.items.iter().enumerate().flat_map(|(origin, list)| {
            list.iter().enumerate().map(move |(i, r)| {
                let item = ItemId {
                    origin: origin as u32,
                    seq: i as u32 + 1,
                };
                (item, *r)
            })
        })
    }

    fn hold(&mut self, actor: ActorId, item: Option<ItemId>) {
        if let Some(slot) = self.holding.get_mut(actor.0 as usize) {
            *slot = item;
        }
    }

    fn held(&self, actor: ActorId) -> Option<ItemId> {
        self.holding.get(actor.0 as usize).copied().flatten()
    }

    fn stop(&mut self, actor: ActorId, how: Ending, at: Nanos) {
        if !matches!(self.roles.get(actor.0 as usize), Some(Role::Consumer(_))) {
            return;
        }
        if let Some(item) = self.held(actor) {
            // Stopped with an item in hand: that work is gone.
            let record = self.record_mut(item);
            if record.place == Place::InHand {
                record.place = Place::Lost;
            }
            self.hold(actor, None);
        }
        if let Some(slot) = self.stops.get_mut(actor.0 as usize) {
            *slot = Some(Stop { how, at });
        }
    }

    /// Takes one event into account.
    pub fn record(&mut self, event: &Event) {
        let (actor, at) = (event.actor, event.time);
        // A consumer marks an item done right after processing it, or never.
        if let Some(slot) = self.unmarked.get_mut(actor.0 as usize) {
            if let Some(item) = slot.take() {
                // An attempt that raised counts as made.
                let marks = matches!(
                    event.kind,
                    EventKind::TaskDone | EventKind::Ack | EventKind::Error(_)
                );
                if !(marks && event.item == Some(item)) {
                    self.forgotten.push((actor, item));
                }
            }
        }
        match (event.kind, event.item) {
            (EventKind::Produce, Some(item)) => self.record_mut(item).place = Place::Made,
            (EventKind::Put | EventKind::Redeliver, Some(item)) => {
                self.record_mut(item).place = Place::Queued;
                if event.kind == EventKind::Redeliver {
                    self.redeliveries.push(Redelivery {
                        from: actor,
                        item,
                        at,
                        to: None,
                    });
                }
            }
            (EventKind::Get, Some(item)) => {
                self.record_mut(item).place = Place::InHand;
                self.hold(actor, Some(item));
                if let Some(r) = self.redeliveries.iter_mut().rev().find(|r| r.item == item) {
                    r.to.get_or_insert(actor);
                }
            }
            (EventKind::Consume, Some(item)) => {
                let record = self.record_mut(item);
                record.place = Place::Done;
                record.processed = record.processed.saturating_add(1);
                self.hold(actor, None);
                if let Some(slot) = self.unmarked.get_mut(actor.0 as usize) {
                    *slot = Some(item);
                }
                self.last_processed_at = Some(at);
            }
            (EventKind::TaskDone | EventKind::Ack, Some(item)) => {
                if event.kind == EventKind::Ack {
                    self.acks += 1;
                }
                let record = self.record_mut(item);
                let extra = record.marked_done >= record.processed;
                record.marked_done = record.marked_done.saturating_add(1);
                if extra {
                    self.extra_calls.push(ExtraCall {
                        consumer: actor,
                        item,
                        at,
                        raised: false,
                    });
                }
            }
            (EventKind::Error(fault @ (Fault::TaskDoneTooMany | Fault::StaleAck)), Some(item)) => {
                if fault == Fault::StaleAck {
                    self.stale_acks += 1;
                }
                let record = self.record_of(item).unwrap_or_default();
                let call = ExtraCall {
                    consumer: actor,
                    item,
                    at,
                    raised: true,
                };
                if record.marked_done >= record.processed {
                    // A call for an item already marked: one too many.
                    self.extra_calls.push(call);
                } else if fault == Fault::TaskDoneTooMany {
                    // The item's own call, refused: an earlier extra call
                    // had already taken the count to 0.
                    self.refused.push(call);
                }
                // A stale acknowledgement of an item still unmarked is the
                // slow first delivery of a redelivered item: a duplicate.
            }
            (EventKind::Drop, Some(item)) => self.record_mut(item).place = Place::Dropped,
            (EventKind::Killed, Some(item)) => {
                self.deaths.push(Death {
                    consumer: actor,
                    item,
                    at,
                });
                self.stop(actor, Ending::Killed, at);
            }
            (EventKind::Terminate, _) => self.stop(actor, Ending::Terminated, at),
            (EventKind::DaemonExit, _) => self.stop(actor, Ending::DaemonExit, at),
            (EventKind::Finish, _) => self.stop(actor, Ending::Returned, at),
            (EventKind::SentinelPut, _) => self.sentinels_put += 1,
            (EventKind::SentinelGet, _) => self.sentinels_got += 1,
            (EventKind::JoinDone, _) => self.join_returned_at = Some(at),
            _ => {}
        }
    }

    /// How and when `actor` stopped, if it did.
    pub fn stop_of(&self, actor: ActorId) -> Option<Stop> {
        self.stops.get(actor.0 as usize).copied().flatten()
    }

    /// The consumers' actor ids.
    pub fn consumers(&self) -> impl Iterator<Item = ActorId> + '_ {
        self.roles
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Role::Consumer(_)))
            .map(|(i, _)| ActorId(i as u32))
    }

    /// When the last consumer stopped, if every consumer did.
    pub fn consumers_stopped_at(&self) -> Option<Nanos> {
        self.consumers()
            .map(|c| self.stop_of(c).map(|s| s.at))
            .try_fold(0, |latest, at| at.map(|t| t.max(latest)))
    }

    /// Items processed by the time of the last stop minus the last processed
    /// item: how long after the last item the consumers stopped.
    pub fn stop_lag(&self) -> Option<Nanos> {
        let stopped = self.consumers_stopped_at()?;
        Some(stopped.saturating_sub(self.last_processed_at.unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 3] = [Role::Main, Role::Producer(0), Role::Consumer(0)];

    fn ev(time: Nanos, actor: u32, kind: EventKind, seq: Option<u32>) -> Event {
        Event {
            time,
            actor: ActorId(actor),
            kind,
            item: seq.map(|seq| ItemId { origin: 0, seq }),
        }
    }

    fn fates(ledger: &Ledger) -> Vec<Fate> {
        ledger.items().map(|(_, r)| r.fate()).collect()
    }

    #[test]
    fn an_item_goes_from_made_to_processed_and_a_terminated_holder_loses_its_item() {
        let mut l = Ledger::new(&ROLES);
        for (t, kind, seq) in [
            (1, EventKind::Produce, 1),
            (1, EventKind::Put, 1),
            (2, EventKind::Produce, 2),
            (2, EventKind::Put, 2),
            (3, EventKind::Produce, 3),
        ] {
            l.record(&ev(t, 1, kind, Some(seq)));
        }
        l.record(&ev(4, 2, EventKind::Get, Some(1)));
        l.record(&ev(5, 2, EventKind::Consume, Some(1)));
        l.record(&ev(5, 2, EventKind::TaskDone, Some(1)));
        l.record(&ev(6, 2, EventKind::Get, Some(2)));
        assert_eq!(fates(&l), [Fate::Processed, Fate::InProgress, Fate::NotPut]);
        assert_eq!(l.consumers_stopped_at(), None);
        l.record(&ev(7, 2, EventKind::Terminate, None));
        assert_eq!(fates(&l), [Fate::Processed, Fate::Lost, Fate::NotPut]);
        assert_eq!(
            l.stop_of(ActorId(2)),
            Some(Stop {
                how: Ending::Terminated,
                at: 7
            })
        );
        assert_eq!(l.stop_lag(), Some(2));
        assert!(l.extra_calls.is_empty());
    }

    #[test]
    fn a_second_task_done_for_an_item_is_an_extra_call_whether_or_not_it_raised() {
        let mut l = Ledger::new(&ROLES);
        l.record(&ev(0, 1, EventKind::Put, Some(1)));
        l.record(&ev(0, 2, EventKind::Get, Some(1)));
        l.record(&ev(1, 2, EventKind::Consume, Some(1)));
        l.record(&ev(1, 2, EventKind::TaskDone, Some(1)));
        assert!(l.extra_calls.is_empty());
        l.record(&ev(1, 2, EventKind::TaskDone, Some(1)));
        l.record(&ev(1, 2, EventKind::Error(Fault::TaskDoneTooMany), Some(1)));
        let raised: Vec<bool> = l.extra_calls.iter().map(|c| c.raised).collect();
        assert_eq!(raised, [false, true]);
        assert!(l.refused.is_empty());
        assert!(l.forgotten.is_empty());
        l.record(&ev(2, 2, EventKind::Get, Some(2)));
        l.record(&ev(3, 2, EventKind::Consume, Some(2)));
        l.record(&ev(3, 2, EventKind::GetBlocked, None));
        assert_eq!(l.forgotten, [(ActorId(2), ItemId { origin: 0, seq: 2 })]);
        // An item's own call refused (the count was already 0) is not extra.
        l.record(&ev(4, 2, EventKind::Get, Some(3)));
        l.record(&ev(5, 2, EventKind::Consume, Some(3)));
        l.record(&ev(5, 2, EventKind::Error(Fault::TaskDoneTooMany), Some(3)));
        assert_eq!(l.extra_calls.len(), 2);
        assert_eq!(l.refused.len(), 1);
        assert_eq!(l.refused[0].item, ItemId { origin: 0, seq: 3 });
    }

    #[test]
    fn a_redelivered_item_processed_twice_counts_once_with_a_duplicate() {
        let mut l = Ledger::new(&[Role::Main, Role::Consumer(0), Role::Consumer(1)]);
        l.record(&ev(0, 0, EventKind::Put, Some(1)));
        l.record(&ev(0, 1, EventKind::Get, Some(1)));
        l.record(&ev(5, 1, EventKind::Redeliver, Some(1)));
        l.record(&ev(5, 2, EventKind::Get, Some(1)));
        l.record(&ev(6, 1, EventKind::Consume, Some(1)));
        l.record(&ev(6, 1, EventKind::Error(Fault::StaleAck), Some(1)));
        l.record(&ev(7, 2, EventKind::Consume, Some(1)));
        l.record(&ev(7, 2, EventKind::Ack, Some(1)));
        let record = l.record_of(ItemId { origin: 0, seq: 1 }).unwrap();
        assert_eq!((record.processed, record.marked_done), (2, 1));
        assert_eq!(record.fate(), Fate::Processed);
        assert_eq!((l.stale_acks, l.acks), (1, 1));
        assert!(l.extra_calls.is_empty(), "a stale ack is not an extra call");
        assert_eq!(l.redeliveries.len(), 1);
        assert_eq!(l.redeliveries[0].to, Some(ActorId(2)));
    }
}
