#ifndef CRM_COMMON_MYSQL_POOL_H_
#define CRM_COMMON_MYSQL_POOL_H_

#include <cppconn/connection.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace crm::common {

struct MySqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string unix_socket;  // when set, used instead of host:port
  std::string user;
  std::string password;  // the secret itself (config loads it from a file)
  std::string database;  // schema; may be empty (e.g. admin connections)
  int pool_size = 16;    // hard upper bound of open connections
  absl::Duration checkout_timeout = absl::Seconds(2);
  absl::Duration connect_timeout = absl::Seconds(2);
  absl::Duration io_timeout = absl::Seconds(30);  // OPT_READ_TIMEOUT / OPT_WRITE_TIMEOUT
  // A connection idle at least this long is pinged before it is handed out.
  absl::Duration validate_after_idle = absl::Seconds(1);
  // Idle prepared statements each connection keeps for reuse (statement_cache.h).
  int statement_cache_size = 64;
};

struct PoolStats {
  int size = 0;     // open connections: in_use + idle
  int in_use = 0;   // checked out (including ones being opened for a caller)
  int idle = 0;     // open and waiting in the pool
  int waiting = 0;  // callers blocked in Acquire
  uint64_t checkouts = 0;
  uint64_t checkout_timeouts = 0;
  uint64_t connects = 0;          // connections opened successfully
  uint64_t discarded = 0;         // connections thrown away as broken or dead
  double wait_seconds_total = 0;  // time callers spent blocked in Acquire
};

class MySqlPool;

// A connection checked out of a MySqlPool. Move-only; gives the connection back
// to the pool when destroyed. The pool must outlive every handle.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  sql::Connection& operator*() const { return *connection_; }
  sql::Connection* operator->() const { return connection_.get(); }

  // The pool closes this connection instead of reusing it. Call it after a
  // connection-level error (IsConnectionError) or when the session state is
  // unknown.
  void MarkBroken() { broken_ = true; }

 private:
  friend class MySqlPool;
  PooledConnection(MySqlPool* pool, std::unique_ptr<sql::Connection> connection);
  void GiveBack();

  MySqlPool* pool_ = nullptr;
  std::unique_ptr<sql::Connection> connection_;
  bool broken_ = false;
};

// A bounded, thread-safe pool of MySQL connections.
//
// Never more than `pool_size` connections are open. Connections open lazily,
// outside the pool's lock. A connection that sat idle longer than
// `validate_after_idle`, or that went idle before some other connection was
// found broken, is pinged before it is handed out; a dead one is replaced by a
// fresh one, so the first call after a server restart or a `wait_timeout`
// disconnect succeeds. Every session runs in UTC (`time_zone='+00:00'`), with
// utf8mb4, autocommit on and the driver's own reconnect off. Every connection
// is a StatementCachingConnection.
class MySqlPool {
 public:
  explicit MySqlPool(MySqlOptions options);  // does not connect
  ~MySqlPool();                              // Close()
  MySqlPool(const MySqlPool&) = delete;
  MySqlPool& operator=(const MySqlPool&) = delete;

  // Checks out a connection, blocking at most until `deadline` and never
  // longer than `checkout_timeout` for a free slot (opening a connection is
  // bounded by `connect_timeout`). UNAVAILABLE when every connection stays
  // busy ("no database connection available within <N> ms"), when the server
  // cannot be reached, and after Close().
  absl::StatusOr<PooledConnection> Acquire(absl::Time deadline = absl::InfiniteFuture());

  // Acquire + "SELECT 1"; OK when the database answers. A reused connection
  // that turns out dead is replaced once before giving up.
  absl::Status Ping(absl::Time deadline);

  PoolStats Stats() const;

  // Refuses new checkouts (waiting callers get UNAVAILABLE), closes idle
  // connections now; checked-out ones are closed when given back.
  void Close();

  const MySqlOptions& options() const { return options_; }

 private:
  friend class PooledConnection;

  struct IdleConnection {
    std::unique_ptr<sql::Connection> connection;
    absl::Time idle_since;
  };

  bool CanCheckOut() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool NeedsValidation(const IdleConnection& idle, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::unique_ptr<sql::Connection>> Connect(absl::Time deadline);
  // Called by PooledConnection when it lets go of `connection`.
  void GiveBack(std::unique_ptr<sql::Connection> connection, bool broken);

  const MySqlOptions options_;

  mutable absl::Mutex mu_;
  // Most recently returned last: reusing it keeps the set of warm connections small.
  std::vector<IdleConnection> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // When a connection was last found broken: connections idle since before
  // then may be broken too (e.g. the server restarted) and get validated.
  absl::Time last_broken_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t checkouts_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t checkout_timeouts_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t connects_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t discarded_ ABSL_GUARDED_BY(mu_) = 0;
  double wait_seconds_total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_POOL_H_
