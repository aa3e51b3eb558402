//! The termination lab's books, kept from the event stream alone: where
//! every item ended up, how often it was processed, how each consumer
//! stopped and when, and the injected failures as they happened.
//!
//! # The books
//!
//! An *item* is what a producer made (its `produce` event). What travels is
//! a *copy* of it: `put` puts its first copy in the queue; with broker
//! acknowledgements each `redeliver` puts one more copy in the queue, while
//! the consumer whose delivery expired may still be working on the copy it
//! has, and `dead_letter` files the copy of the item's last expired
//! delivery in the dead-letter list. A copy is in the queue, in a
//! consumer's hands, processed (`consume`), dropped from the queue
//! (`shutdown(immediate=True)`), dead-lettered, or lost with a consumer that
//! died or was stopped holding it.
//!
//! Every item has exactly one *fate*, the first of these that holds:
//!
//! 1. **processed**: some copy of it was processed;
//! 2. **in progress**: a consumer holds a copy;
//! 3. **still queued**: a copy is in the queue;
//! 4. **dead-lettered**: a copy went to the dead-letter list;
//! 5. **dropped**: a copy was dropped from the queue;
//! 6. **lost**: a copy was lost with its consumer;
//! 7. **never put**: none of these (made, but never got into the queue).
//!
//! So the fates add up to the items made, whatever happened. The copies
//! that redelivery makes are *duplicates*, not items: every processing
//! after an item's first ([`ItemRecord::duplicates`]), and every copy in
//! the queue, dropped or dead-lettered beyond the one that gives the item
//! its fate (a copy of an item already processed left in the queue, say).
//! The books *balance* when the fates add up to the items made and the
//! copies agree with the run's own counters: the copies in the queue are
//! the queue's items, the copies dropped are its drops, and the
//! processings are its consumes ([`crate::termination::report`] checks
//! this as `accounted`).
//!
//! A few bytes per item, so a long run stays small.

use crate::trace::{ActorId, Event, EventKind, Fault, ItemId, Nanos, Role};

/// One item's record: where its copies are and were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemRecord {
    /// Copies in the queue now.
    pub queued: u8,
    /// Copies in consumers' hands now.
    pub in_hand: u8,
    /// Times it was processed (more than once only with redeliveries).
    pub processed: u8,
    /// Successful `task_done()` calls (or acknowledgements) for it.
    pub marked_done: u8,
    /// A copy went to the dead-letter list.
    pub dead_lettered: bool,
    /// A copy was dropped from the queue.
    pub dropped: bool,
    /// A copy was lost with its consumer.
    pub lost: bool,
    /// Its latest redelivery while no consumer has got it yet: that
    /// redelivery's index in [`Ledger::redeliveries`], plus 1 (0: none).
    unclaimed: u32,
}

/// Where an item ended, for the report (see the module's books), in the
/// order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    Processed,
    InProgress,
    InQueue,
    DeadLettered,
    Dropped,
    Lost,
    NotPut,
}

impl ItemRecord {
    /// The item's fate: the first that holds, in [`Fate`]'s order.
    pub fn fate(self) -> Fate {
        if self.processed > 0 {
            Fate::Processed
        } else if self.in_hand > 0 {
            Fate::InProgress
        } else if self.queued > 0 {
            Fate::InQueue
        } else if self.dead_lettered {
            Fate::DeadLettered
        } else if self.dropped {
            Fate::Dropped
        } else if self.lost {
            Fate::Lost
        } else {
            Fate::NotPut
        }
    }

    /// Processings after the first.
    pub fn duplicates(self) -> u64 {
        u64::from(self.processed.saturating_sub(1))
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

/// An item filed in the dead-letter list: its last allowed delivery, to
/// `from`, expired at `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    pub from: ActorId,
    pub item: ItemId,
    pub at: Nanos,
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
    /// The dead-letter list, in order.
    pub dead_letters: Vec<DeadLetter>,
    /// Copies dropped from the queue (`drop` events).
    pub copies_dropped: u64,
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
            // Stopped with an item in hand: that copy's work is gone.
            let record = self.record_mut(item);
            record.in_hand = record.in_hand.saturating_sub(1);
            record.lost = true;
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
            (EventKind::Produce, Some(item)) => {
                self.record_mut(item);
            }
            (EventKind::Put, Some(item)) => {
                let record = self.record_mut(item);
                record.queued = record.queued.saturating_add(1);
            }
            (EventKind::Redeliver, Some(item)) => {
                self.redeliveries.push(Redelivery {
                    from: actor,
                    item,
                    at,
                    to: None,
                });
                let index = u32::try_from(self.redeliveries.len()).unwrap_or(0);
                let record = self.record_mut(item);
                record.queued = record.queued.saturating_add(1);
                record.unclaimed = index;
            }
            (EventKind::Get, Some(item)) => {
                let record = self.record_mut(item);
                record.queued = record.queued.saturating_sub(1);
                record.in_hand = record.in_hand.saturating_add(1);
                // Found at once: a scan of every redelivery on every get
                // took quadratic time.
                let claimed = std::mem::take(&mut record.unclaimed);
                self.hold(actor, Some(item));
                if let Some(r) = claimed
                    .checked_sub(1)
                    .and_then(|i| self.redeliveries.get_mut(i as usize))
                {
                    r.to = Some(actor);
                }
            }
            (EventKind::Consume, Some(item)) => {
                let record = self.record_mut(item);
                record.in_hand = record.in_hand.saturating_sub(1);
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
            (EventKind::Drop, Some(item)) => {
                let record = self.record_mut(item);
                record.queued = record.queued.saturating_sub(1);
                record.dropped = true;
                self.copies_dropped += 1;
            }
            (EventKind::DeadLetter, Some(item)) => {
                // The copy its last holder has stays in its hands.
                self.record_mut(item).dead_lettered = true;
                self.dead_letters.push(DeadLetter {
                    from: actor,
                    item,
                    at,
                });
            }
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
    use crate::trace::testing::ev;

    const ROLES: [Role; 3] = [Role::Main, Role::Producer(0), Role::Consumer(0)];

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
    fn copies_left_behind_do_not_change_a_processed_items_fate() {
        let mut l = Ledger::new(&[Role::Main, Role::Consumer(0), Role::Consumer(1)]);
        // Redelivered while its first holder still works, processed by
        // that holder; the copy in the queue is then dropped.
        l.record(&ev(0, 0, EventKind::Put, Some(1)));
        l.record(&ev(0, 1, EventKind::Get, Some(1)));
        l.record(&ev(3, 1, EventKind::Redeliver, Some(1)));
        let record = l.record_of(ItemId { origin: 0, seq: 1 }).unwrap();
        assert_eq!((record.queued, record.in_hand), (1, 1));
        assert_eq!(record.fate(), Fate::InProgress);
        l.record(&ev(4, 1, EventKind::Consume, Some(1)));
        l.record(&ev(5, 0, EventKind::Drop, Some(1)));
        let record = l.record_of(ItemId { origin: 0, seq: 1 }).unwrap();
        assert_eq!(
            (record.queued, record.in_hand, record.dropped),
            (0, 0, true)
        );
        assert_eq!(record.fate(), Fate::Processed);
        assert_eq!(l.copies_dropped, 1);
    }

    #[test]
    fn a_dead_letter_outranks_a_copy_lost_with_its_consumer() {
        let mut l = Ledger::new(&[Role::Main, Role::Consumer(0), Role::Consumer(1)]);
        l.record(&ev(0, 0, EventKind::Put, Some(1)));
        l.record(&ev(0, 1, EventKind::Get, Some(1)));
        l.record(&ev(3, 1, EventKind::Redeliver, Some(1)));
        l.record(&ev(3, 2, EventKind::Get, Some(1)));
        // The second delivery was the last: filed while both still work.
        l.record(&ev(6, 2, EventKind::DeadLetter, Some(1)));
        assert_eq!(fates(&l), [Fate::InProgress]);
        l.record(&ev(7, 1, EventKind::Terminate, None));
        l.record(&ev(7, 2, EventKind::Killed, Some(1)));
        let record = l.record_of(ItemId { origin: 0, seq: 1 }).unwrap();
        assert!(record.lost && record.dead_lettered);
        assert_eq!(fates(&l), [Fate::DeadLettered]);
        assert_eq!(
            l.dead_letters,
            [DeadLetter {
                from: ActorId(2),
                item: ItemId { origin: 0, seq: 1 },
                at: 6
            }]
        );
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
