#include "common/mysql/migrations.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/logging.h"
#include "common/base/sha256.h"
#include "common/mysql/sql_error.h"

namespace crm::common {
namespace {

// Long enough for any DDL; a request's io_timeout is not.
constexpr absl::Duration kMigrationIoTimeout = absl::Hours(2);
// How long a starting process waits for another one to finish migrating.
constexpr int kLockWaitSeconds = 600;
constexpr size_t kMaxTrackLength = 64;

constexpr char kCreateSchemaMigrations[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  track VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  checksum CHAR(64) CHARACTER SET ascii NOT NULL,
  applied_at DATETIME(6) NOT NULL,
  PRIMARY KEY (track, version)
) ENGINE=InnoDB)sql";

absl::Status CheckVersions(std::string_view track, const std::vector<Migration>& migrations) {
  if (track.empty() || track.size() > kMaxTrackLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "migration track must be 1 to %d characters, got \"%s\"", kMaxTrackLength, track));
  }
  std::map<int, const Migration*> by_version;
  for (const Migration& migration : migrations) {
    if (migration.version <= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("migration %s/%s has version %d; versions must be positive", track,
                          migration.name, migration.version));
    }
    const auto [it, inserted] = by_version.emplace(migration.version, &migration);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "migration version %d is used twice in track %s: %s and %s", migration.version, track,
          MigrationFileName(*it->second), MigrationFileName(migration)));
    }
  }
  return absl::OkStatus();
}

// Holds the named lock for as long as it lives (the lock also dies with the session).
class MigrationLock {
 public:
  explicit MigrationLock(sql::Connection& connection, std::string name)
      : connection_(connection), name_(std::move(name)) {}
  ~MigrationLock() {
    if (!held_) return;
    try {
      std::unique_ptr<sql::PreparedStatement> release(
          connection_.prepareStatement("SELECT RELEASE_LOCK(?)"));
      release->setString(1, name_);
      std::unique_ptr<sql::ResultSet> result(release->executeQuery());
    } catch (const sql::SQLException& e) {
      SqlErrorToStatus(e, "release the migration lock").IgnoreError();
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

  // Throws sql::SQLException on database errors.
  absl::Status Acquire() {
    std::unique_ptr<sql::PreparedStatement> get_lock(
        connection_.prepareStatement("SELECT GET_LOCK(?, ?)"));
    get_lock->setString(1, name_);
    get_lock->setInt(2, kLockWaitSeconds);
    std::unique_ptr<sql::ResultSet> result(get_lock->executeQuery());
    if (result->next() && !result->isNull(1) && result->getInt(1) == 1) {
      held_ = true;
      return absl::OkStatus();
    }
    return absl::DeadlineExceededError(
        absl::StrCat("waited ", kLockWaitSeconds, " s for migration lock '", name_,
                     "' held by another process applying migrations"));
  }

 private:
  sql::Connection& connection_;
  const std::string name_;
  bool held_ = false;
};

// version → checksum of every migration of `track` already applied.
std::map<int, std::string> LoadApplied(sql::Connection& connection, std::string_view track) {
  std::unique_ptr<sql::PreparedStatement> select(connection.prepareStatement(
      "SELECT version, checksum FROM schema_migrations WHERE track = ?"));
  select->setString(1, std::string(track));
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::map<int, std::string> applied;
  while (rows->next()) applied[rows->getInt(1)] = rows->getString(2);
  return applied;
}

// Runs one statement of a migration; rows it returns are read and dropped, as
// a result left unread would put the session out of sync.
void ExecuteDiscardingResults(sql::Statement& statement, const std::string& text) {
  for (bool has_rows = statement.execute(text); has_rows; has_rows = statement.getMoreResults()) {
    std::unique_ptr<sql::ResultSet> unread(statement.getResultSet());
  }
}

absl::Status ApplyOne(sql::Connection& connection, std::string_view track,
                      const Migration& migration, const std::string& checksum) {
  const std::string file = MigrationFileName(migration);
  const std::vector<std::string> statements = SplitSqlStatements(migration.sql);
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  for (size_t i = 0; i < statements.size(); ++i) {
    try {
      ExecuteDiscardingResults(*statement, statements[i]);
    } catch (const sql::SQLException& e) {
      return SqlErrorToStatus(e, absl::StrFormat("migration %s/%s statement %d of %d", track, file,
                                                 i + 1, statements.size()));
    }
  }
  std::unique_ptr<sql::PreparedStatement> record(connection.prepareStatement(
      "INSERT INTO schema_migrations (track, version, name, checksum, applied_at) "
      "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"));
  record->setString(1, std::string(track));
  record->setInt(2, migration.version);
  record->setString(3, migration.name);
  record->setString(4, checksum);
  record->executeUpdate();
  LogInfo("applied migration", {{"track", std::string(track)},
                                {"version", absl::StrCat(migration.version)},
                                {"file", file},
                                {"statements", absl::StrCat(statements.size())}});
  return absl::OkStatus();
}

// Everything that runs under the lock. Throws sql::SQLException on database
// errors outside a migration's own statements.
absl::Status ApplyPending(sql::Connection& connection, std::string_view track,
                          std::vector<const Migration*> pending) {
  {
    std::unique_ptr<sql::Statement> create(connection.createStatement());
    create->execute(kCreateSchemaMigrations);
  }
  const std::map<int, std::string> applied = LoadApplied(connection, track);
  std::sort(pending.begin(), pending.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  std::vector<std::string> checksums;
  for (const Migration* migration : pending) {
    checksums.push_back(Sha256Hex(migration->sql));
    const auto recorded = applied.find(migration->version);
    if (recorded != applied.end() && recorded->second != checksums.back()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "migration %s version %d (%s) was edited after it was applied: applied checksum %s, "
          "file checksum %s; never edit an applied migration, add a new version instead",
          track, migration->version, MigrationFileName(*migration), recorded->second,
          checksums.back()));
    }
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    if (applied.contains(pending[i]->version)) continue;
    const absl::Status status = ApplyOne(connection, track, *pending[i], checksums[i]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

std::string MigrationFileName(const Migration& migration) {
  return absl::StrFormat("V%03d__%s.sql", migration.version, migration.name);
}

absl::StatusOr<Migration> MigrationFromFile(std::string_view file_name, std::string sql) {
  const absl::string_view path(file_name.data(), file_name.size());
  const size_t slash = path.rfind('/');
  const absl::string_view base = slash == absl::string_view::npos ? path : path.substr(slash + 1);
  const auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "migration file name \"", base, "\" must look like V<version>__<name>.sql: ", why));
  };
  absl::string_view rest = base;
  if (!absl::ConsumePrefix(&rest, "V")) return invalid("it must start with V");
  if (!absl::ConsumeSuffix(&rest, ".sql")) return invalid("it must end with .sql");
  const size_t separator = rest.find("__");
  if (separator == absl::string_view::npos) return invalid("version and name are separated by __");
  const absl::string_view digits = rest.substr(0, separator);
  const absl::string_view name = rest.substr(separator + 2);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) {
    return invalid("the version must be decimal digits");
  }
  int version = 0;
  if (!absl::SimpleAtoi(digits, &version) || version <= 0) {
    return invalid("the version must be a positive number that fits in an int");
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
      })) {
    return invalid("the name must be letters, digits and underscores");
  }
  return Migration{version, std::string(name), std::move(sql)};
}

std::vector<std::string> SplitSqlStatements(std::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  const auto finish_statement = [&] {
    absl::string_view text = absl::StripAsciiWhitespace(current);
    while (absl::ConsumeSuffix(&text, ";")) text = absl::StripTrailingAsciiWhitespace(text);
    if (!text.empty()) statements.emplace_back(text);
    current.clear();
  };
  for (absl::string_view line : absl::StrSplit(absl::string_view(sql.data(), sql.size()), '\n')) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    if (!current.empty()) current += '\n';
    absl::StrAppend(&current, absl::StripTrailingAsciiWhitespace(line));
    if (absl::EndsWith(trimmed, ";")) finish_statement();
  }
  finish_statement();
  return statements;
}

absl::Status ApplyMigrations(MySqlPool& pool, std::string_view track,
                             const std::vector<Migration>& migrations) {
  if (absl::Status status = CheckVersions(track, migrations); !status.ok()) return status;
  MySqlOptions options = pool.options();
  if (options.database.empty()) {
    return absl::InvalidArgumentError(
        "cannot apply migrations: the pool's MySqlOptions.database is empty; it must name the "
        "schema to migrate");
  }
  options.pool_size = 1;
  options.io_timeout = std::max(options.io_timeout, kMigrationIoTimeout);
  MySqlPool session(options);
  absl::StatusOr<PooledConnection> connection = session.Acquire();
  if (!connection.ok()) return connection.status();

  std::vector<const Migration*> pending;
  for (const Migration& migration : migrations) pending.push_back(&migration);
  const std::string lock_name = absl::StrCat("crm_migrations.", options.database);
  try {
    MigrationLock lock(**connection, lock_name);
    if (absl::Status locked = lock.Acquire(); !locked.ok()) return locked;
    return ApplyPending(**connection, track, std::move(pending));
  } catch (const sql::SQLException& e) {
    if (IsConnectionError(e)) connection->MarkBroken();
    return SqlErrorToStatus(e, absl::StrFormat("apply migrations of track %s", track));
  }
}

absl::Status ApplyServiceMigrations(MySqlPool& pool, std::string_view track,
                                    const std::vector<Migration>& migrations) {
  absl::Status status = ApplyMigrations(pool, kCommonMigrationTrack, CommonMigrations());
  if (!status.ok()) return status;
  return ApplyMigrations(pool, track, migrations);
}

}  // namespace crm::common
