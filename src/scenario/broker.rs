//! Broker semantics for the termination lab (`--broker-ack`): an item taken
//! from the queue is a *delivery* that stays pending until the consumer
//! acknowledges it after its work. A delivery not acknowledged within the
//! visibility timeout is given up on and its item goes back into the queue
//! for another consumer, as Redis Streams' pending list (`XAUTOCLAIM`) or a
//! message queue's unacknowledged messages do: nothing is lost, but an item
//! may be processed twice (at-least-once delivery).
//!
//! Redelivery is bounded, as real brokers bound it (RabbitMQ quorum queues'
//! delivery limit, SQS's `maxReceiveCount`, the delivery count Redis keeps
//! for each pending stream entry): when an item's `max_deliveries`-th
//! delivery expires too, the item goes to the dead-letter list instead
//! (`dead_letter` in the trace) and is never delivered again. So every item
//! is delivered at most `max_deliveries` times and every run ends, however
//! short the visibility timeout and however slow the consumers.
//!
//! Underneath is the same [`JoinableQueue`]: a valid acknowledgement is its
//! `task_done()`, and a redelivery puts the item back *before* finishing the
//! abandoned delivery, so `q.join()` returns exactly when every item's last
//! delivery was acknowledged or the item was dead-lettered.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use crate::queue::JoinableQueue;
use crate::sim::{Ctx, TaskHandle};
use crate::trace::{ActorId, EventKind, Fault, ItemId, Parcel};

/// One delivery of an item to a consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delivery(u64);

/// An unacknowledged delivery.
struct Open {
    item: ItemId,
    /// The consumer holding it.
    holder: ActorId,
    /// Its visibility timer, ended once the delivery is acknowledged.
    timer: Option<TaskHandle>,
}

#[derive(Default)]
struct Pending {
    next: u64,
    deliveries: HashMap<Delivery, Open>,
    /// How many times each item was delivered so far:
    /// `delivered[origin][seq - 1]` (at most the limit, 100).
    delivered: Vec<Vec<u8>>,
}

impl Pending {
    /// The count of `item`'s deliveries so far.
    fn delivered(&mut self, item: ItemId) -> &mut u8 {
        let origin = item.origin as usize;
        if self.delivered.len() <= origin {
            self.delivered.resize_with(origin + 1, Vec::new);
        }
        let list = &mut self.delivered[origin];
        let at = item.seq.saturating_sub(1) as usize;
        if list.len() <= at {
            list.resize(at + 1, 0);
        }
        &mut list[at]
    }
}

/// The acknowledgement bookkeeping around a queue. Cheap to clone.
#[derive(Clone)]
pub struct Broker {
    ctx: Ctx,
    queue: JoinableQueue<Parcel>,
    visibility_timeout: Duration,
    /// Deliveries of one item before it is dead-lettered (at least 1).
    max_deliveries: u32,
    pending: Rc<RefCell<Pending>>,
}

impl Broker {
    pub fn new(
        ctx: &Ctx,
        queue: &JoinableQueue<Parcel>,
        visibility_timeout: Duration,
        max_deliveries: u32,
    ) -> Self {
        Broker {
            ctx: ctx.clone(),
            queue: queue.clone(),
            visibility_timeout,
            max_deliveries,
            pending: Rc::default(),
        }
    }

    /// Records that `consumer` got `item` and starts its visibility timer
    /// (a daemon task: it never keeps the run going).
    pub fn deliver(&self, consumer: ActorId, item: ItemId) -> Delivery {
        let delivery = {
            let mut pending = self.pending.borrow_mut();
            let delivery = Delivery(pending.next);
            pending.next += 1;
            let count = pending.delivered(item);
            *count = count.saturating_add(1);
            let open = Open {
                item,
                holder: consumer,
                timer: None,
            };
            pending.deliveries.insert(delivery, open);
            delivery
        };
        let broker = self.clone();
        let timer = self
            .ctx
            .spawn_daemon(None, async move { broker.expire(delivery).await });
        if let Some(open) = self.pending.borrow_mut().deliveries.get_mut(&delivery) {
            open.timer = Some(timer);
        }
        delivery
    }

    /// Acknowledges a delivery after the work: `ack` in the trace and the
    /// queue's `task_done()`. A delivery that already expired (its item was
    /// redelivered) is rejected with a `StaleAck` error: the work was done
    /// twice.
    pub fn ack(&self, consumer: ActorId, item: ItemId, delivery: Delivery) {
        let open = self.pending.borrow_mut().deliveries.remove(&delivery);
        let valid = open.is_some();
        // Its timer has nothing left to do.
        if let Some(timer) = open.and_then(|o| o.timer) {
            self.ctx.terminate(&timer);
        }
        let (kind, item) = match (valid, valid && self.queue.task_done().is_ok()) {
            (true, true) => (EventKind::Ack, Some(item)),
            (true, false) => (EventKind::Error(Fault::TaskDoneTooMany), Some(item)),
            (false, _) => (EventKind::Error(Fault::StaleAck), Some(item)),
        };
        self.ctx.emit(consumer, kind, item);
    }

    /// Waits out the visibility timeout; if the delivery is still pending,
    /// puts its item back (`redeliver`, by the consumer that held it) — or,
    /// after its last allowed delivery, moves it to the dead-letter list
    /// (`dead_letter`) — then finishes the abandoned delivery.
    async fn expire(self, delivery: Delivery) {
        self.ctx.sleep(self.visibility_timeout).await;
        let (item, holder, exhausted) = {
            let mut pending = self.pending.borrow_mut();
            let Some(Open { item, holder, .. }) = pending.deliveries.remove(&delivery) else {
                return;
            };
            let delivered = u32::from(*pending.delivered(item));
            (item, holder, delivered >= self.max_deliveries)
        };
        if exhausted {
            self.ctx.emit(holder, EventKind::DeadLetter, Some(item));
            // Cannot fail: the abandoned delivery still counts as unfinished.
            let _ = self.queue.task_done();
            return;
        }
        match self.queue.put(Parcel::Item(item)).await {
            Ok(()) => self.ctx.emit(holder, EventKind::Redeliver, Some(item)),
            Err(_) => {
                let fault = Fault::PutAfterShutdown;
                self.ctx.emit(holder, EventKind::Error(fault), Some(item));
            }
        }
        // Cannot fail: the abandoned delivery still counts as unfinished.
        let _ = self.queue.task_done();
    }
}
