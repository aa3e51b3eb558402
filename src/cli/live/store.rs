//! A live run's queue on Redis: its keys under the run's prefix, the Lua
//! scripts that keep a put or an acknowledgement and its counts atomic, and
//! [`Link`], a connection that reconnects and retries while the server is
//! gone (killed, restarting, loading its append-only file).
//!
//! - plain `Queue`: a list, `LPUSH` by the producers, `BRPOP` by the
//!   consumers;
//! - `JoinableQueue`: a stream read through a consumer group (`XADD`,
//!   `XREADGROUP`, `XACK` as `task_done()`), the unfinished-tasks count kept
//!   by the put and ack scripts, and `join()` as a `BLPOP` on a key the
//!   acknowledgement that brings the count to 0 pushes to;
//! - broker acknowledgements: an entry left pending past the visibility
//!   timeout is claimed by another consumer (`XAUTOCLAIM`); past the most
//!   deliveries it moves to the dead-letter stream.
//!
//! A put is idempotent (its item is added to a set first), so a put retried
//! after a lost answer never queues the item twice.

use std::thread::sleep;
use std::time::{Duration, Instant};

use redis::{Client, Connection, RedisError, RedisResult, Script, Value};

/// How long a process keeps trying to reach a server that went away.
pub const RETRY_FOR: Duration = Duration::from_secs(20);

/// The consumer group of every run.
pub const GROUP: &str = "canteen";

/// The names of a run's keys: `canteen:RUN:…`.
#[derive(Clone, Debug)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(run: &str) -> Keys {
        Keys {
            prefix: format!("canteen:{run}:"),
        }
    }

    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The run's settings (a hash the workers read).
    pub fn config(&self) -> String {
        self.key("config")
    }
    pub fn list(&self) -> String {
        self.key("list")
    }
    pub fn stream(&self) -> String {
        self.key("stream")
    }
    pub fn dead(&self) -> String {
        self.key("dead")
    }
    pub fn unfinished(&self) -> String {
        self.key("unfinished")
    }
    pub fn joined(&self) -> String {
        self.key("joined")
    }
    /// Every parcel put (items as `origin:seq`, sentinels as `sentinel:N`).
    pub fn put(&self) -> String {
        self.key("put")
    }
    pub fn items(&self) -> String {
        self.key("items")
    }
    /// Item → times processed.
    pub fn processed(&self) -> String {
        self.key("processed")
    }
    /// The processings counted (so an ack retried is counted once).
    pub fn processings(&self) -> String {
        self.key("processings")
    }
    pub fn acked(&self) -> String {
        self.key("acked")
    }
    pub fn deliveries(&self) -> String {
        self.key("deliveries")
    }
    pub fn not_put(&self) -> String {
        self.key("not_put")
    }
    pub fn reconnects(&self) -> String {
        self.key("reconnects")
    }
    /// Parcels in the queue (put, not yet taken), and the list a take
    /// pushes to, where a producer waiting for a place waits.
    pub fn queued(&self) -> String {
        self.key("queued")
    }
    pub fn space(&self) -> String {
        self.key("space")
    }
    /// `q.shutdown()`: `1`, or `immediate`; and the items it deleted.
    pub fn shutdown(&self) -> String {
        self.key("shutdown")
    }
    pub fn dropped(&self) -> String {
        self.key("dropped")
    }
    /// Workers ready to start, and the list that starts them.
    pub fn ready(&self) -> String {
        self.key("ready")
    }
    pub fn start(&self) -> String {
        self.key("start")
    }
    /// The simulation's delays to replay (see `canteen live`).
    pub fn delays(&self) -> String {
        self.key("delays")
    }
    /// Every key of the run, to delete at its end on a shared server.
    pub fn all(&self) -> Vec<String> {
        [
            "config",
            "list",
            "stream",
            "dead",
            "unfinished",
            "joined",
            "put",
            "items",
            "processed",
            "processings",
            "acked",
            "deliveries",
            "not_put",
            "reconnects",
            "delays",
            "ready",
            "start",
            "waiting",
            "queued",
            "space",
            "nth",
            "shutdown",
            "dropped",
        ]
        .iter()
        .map(|name| self.key(name))
        .collect()
    }
}

/// Puts a parcel on the list once, unless `capacity` (0: no limit) items
/// wait in it: KEYS put-set, list, items, queued; ARGV member, payload,
/// is-item, capacity. Answers 1 (put), 0 (put before: a retry), 2 (full).
pub fn put_list() -> Script {
    Script::new(
        r"
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
local cap = tonumber(ARGV[4])
if cap > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') >= cap then return 2 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('INCR', KEYS[4])
if ARGV[3] == '1' then redis.call('INCR', KEYS[3]) end
return 1",
    )
}

/// Adds a parcel to the stream once and counts it unfinished, unless
/// `capacity` (0: no limit) parcels wait undelivered: KEYS put-set, stream,
/// unfinished, items, queued; ARGV member, item, put time, is-item,
/// capacity. Answers 1 (put), 0 (put before: a retry), 2 (full).
pub fn put_stream() -> Script {
    Script::new(
        r"
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
local cap = tonumber(ARGV[5])
if cap > 0 and tonumber(redis.call('GET', KEYS[5]) or '0') >= cap then return 2 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[2], '*', 'item', ARGV[2], 'put_ns', ARGV[3])
redis.call('INCR', KEYS[3])
redis.call('INCR', KEYS[5])
if ARGV[4] == '1' then redis.call('INCR', KEYS[4]) end
return 1",
    )
}

/// A parcel taken out of the queue frees a place: KEYS queued, space.
pub fn taken() -> Script {
    Script::new(
        r"
redis.call('DECR', KEYS[1])
redis.call('LPUSH', KEYS[2], '1')
redis.call('LTRIM', KEYS[2], 0, 15)
return 1",
    )
}

/// `task_done()`: acknowledges an entry; the first acknowledgement of an
/// entry counts it done and, when none is left unfinished, wakes `join()`.
/// KEYS stream, unfinished, joined, processed, processings, acked; ARGV
/// group, entry id, item (or `sentinel`), processing token. Answers 1 (this
/// ack counted), 0 (the entry was already acknowledged: a duplicate), -1 (a
/// retried ack whose first try went through).
pub fn ack() -> Script {
    Script::new(
        r"
if redis.call('SADD', KEYS[5], ARGV[4]) == 0 then return -1 end
if ARGV[3] ~= 'sentinel' then redis.call('HINCRBY', KEYS[4], ARGV[3], 1) end
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if n == 1 then
  redis.call('INCR', KEYS[6])
  if redis.call('DECR', KEYS[2]) <= 0 then redis.call('LPUSH', KEYS[3], '1') end
end
return n",
    )
}

/// `task_done()` called once more than the items: Python's `ValueError`
/// (-1) when none is left unfinished, else one task counted done (and
/// `join()` woken when it was the last). KEYS unfinished, joined.
pub fn extra_task_done() -> Script {
    Script::new(
        r"
if tonumber(redis.call('GET', KEYS[1]) or '0') <= 0 then return -1 end
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('LPUSH', KEYS[2], '1') end
return left",
    )
}

/// `q.shutdown(immediate=True)`: deletes the entries not yet delivered to
/// the group, counts their tasks done (waking `join()` when none is left)
/// and marks the queue shut down. KEYS stream, unfinished, joined,
/// shutdown, dropped-set; ARGV group. Answers the items deleted.
pub fn shutdown_immediate() -> Script {
    Script::new(
        r"
local last = '0-0'
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local name, id
  for i = 1, #group, 2 do
    if group[i] == 'name' then name = group[i + 1] end
    if group[i] == 'last-delivered-id' then id = group[i + 1] end
  end
  if name == ARGV[1] then last = id end
end
local items = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '(' .. last, '+')) do
  redis.call('XDEL', KEYS[1], entry[1])
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'item' and fields[i + 1] ~= 'sentinel' then
      table.insert(items, fields[i + 1])
      redis.call('SADD', KEYS[5], fields[i + 1])
    end
  end
  if redis.call('DECR', KEYS[2]) <= 0 then redis.call('LPUSH', KEYS[3], '1') end
end
redis.call('SET', KEYS[4], 'immediate')
return items",
    )
}

/// Moves an entry delivered too often to the dead-letter stream: KEYS
/// stream, unfinished, joined, dead; ARGV group, entry id, item, deliveries.
pub fn dead_letter() -> Script {
    Script::new(
        r"
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[4], '*', 'item', ARGV[3], 'deliveries', ARGV[4])
if redis.call('DECR', KEYS[2]) <= 0 then redis.call('LPUSH', KEYS[3], '1') end
return 1",
    )
}

/// Peak shaving's front: queues a request unless `capacity` (0: no limit)
/// already wait. KEYS waiting, stream; ARGV capacity, request number.
/// Answers 1 (queued) or 0 (the queue is full).
pub fn admit() -> Script {
    Script::new(
        r"
local waiting = redis.call('INCR', KEYS[1])
if tonumber(ARGV[1]) > 0 and waiting > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
redis.call('XADD', KEYS[2], '*', 'item', ARGV[2], 'put_ns', '0')
return 1",
    )
}

/// A connection to the run's server that reconnects and retries.
pub struct Link {
    client: Client,
    con: Option<Connection>,
    name: String,
    /// Times the server was found gone and reached again.
    pub reconnects: u64,
    broken: bool,
}

/// Whether an error is the server being away for a while (killed,
/// restarting, loading its data) rather than a wrong command.
fn transient(error: &RedisError) -> bool {
    error.is_io_error()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_timeout()
        || matches!(error.code(), Some("LOADING" | "BUSY" | "MASTERDOWN"))
}

impl Link {
    /// A link to `url` whose connection is named `name` (`CLIENT LIST`);
    /// fails at once when the URL is wrong or the server cannot be reached.
    pub fn open(url: &str, name: &str) -> RedisResult<Link> {
        let client = Client::open(url)?;
        let mut link = Link {
            client,
            con: None,
            name: name.to_string(),
            reconnects: 0,
            broken: false,
        };
        link.connection()?;
        Ok(link)
    }

    fn connection(&mut self) -> RedisResult<&mut Connection> {
        if self.con.is_none() {
            let mut con = self
                .client
                .get_connection_with_timeout(Duration::from_secs(2))?;
            con.set_read_timeout(Some(Duration::from_secs(10)))?;
            redis::cmd("CLIENT")
                .arg("SETNAME")
                .arg(&self.name)
                .query::<()>(&mut con)?;
            if std::mem::take(&mut self.broken) {
                self.reconnects += 1;
            }
            self.con = Some(con);
        }
        match self.con.as_mut() {
            Some(con) => Ok(con),
            None => unreachable!("set above"),
        }
    }

    /// Runs `op`, reconnecting and trying again while the server is away,
    /// for up to [`RETRY_FOR`].
    pub fn with<T>(
        &mut self,
        mut op: impl FnMut(&mut Connection) -> RedisResult<T>,
    ) -> RedisResult<T> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(10);
        loop {
            let result = self.connection().and_then(&mut op);
            match result {
                Err(error) if transient(&error) && start.elapsed() < RETRY_FOR => {
                    self.con = None;
                    self.broken = true;
                    sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    /// Runs a command.
    pub fn query<T: redis::FromRedisValue>(&mut self, cmd: &redis::Cmd) -> RedisResult<T> {
        self.with(|con| cmd.query(con))
    }

    /// Makes the run's stream and its consumer group (`XGROUP CREATE …
    /// MKSTREAM`), reading from entries added after now.
    pub fn create_group(&mut self, keys: &Keys) -> RedisResult<()> {
        self.query(
            redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(keys.stream())
                .arg(GROUP)
                .arg("$")
                .arg("MKSTREAM"),
        )
    }
}

/// A text of a reply (a bulk or simple string, or a number).
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The items of an array reply (a nil reply has none).
pub fn items(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) | Value::Set(items) => items,
        _ => &[],
    }
}

/// A stream entry: its id and its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub item: String,
    pub put_ns: u64,
}

/// The entries of `[id, [field, value, …]]` pairs (XREADGROUP's per stream,
/// XAUTOCLAIM's claimed); a deleted entry (nil fields) is left out.
pub fn entries(list: &Value) -> Vec<Entry> {
    items(list)
        .iter()
        .filter_map(|pair| {
            let [id, fields] = items(pair) else {
                return None;
            };
            let fields: Vec<String> = items(fields).iter().filter_map(text).collect();
            let field = |name: &str| {
                fields
                    .chunks(2)
                    .find(|kv| kv[0] == name)
                    .and_then(|kv| kv.get(1).cloned())
            };
            Some(Entry {
                id: text(id)?,
                item: field("item")?,
                put_ns: field("put_ns").and_then(|t| t.parse().ok()).unwrap_or(0),
            })
        })
        .collect()
}

/// The entries of an XREADGROUP reply (one stream).
pub fn read_reply(reply: &Value) -> Vec<Entry> {
    let streams: Vec<&Value> = match reply {
        Value::Map(pairs) => pairs.iter().map(|(_, v)| v).collect(),
        other => items(other)
            .iter()
            .filter_map(|s| items(s).get(1))
            .collect(),
    };
    streams.into_iter().flat_map(entries).collect()
}
