#ifndef CRM_COMMON_MYSQL_MIGRATIONS_H_
#define CRM_COMMON_MYSQL_MIGRATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql/pool.h"

namespace crm::common {

// One forward-only schema change, from a file named V<version>__<name>.sql.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Applies, in version order, the migrations of `track` not yet recorded in
// `schema_migrations` of the pool's database, under the named lock
// 'crm_migrations.<database>' so that concurrent processes apply each
// migration exactly once.
//
// - Versions must be positive and unique (INVALID_ARGUMENT, checked before
//   anything touches the database).
// - An applied migration whose text changed (sha256 checksum differs) →
//   FAILED_PRECONDITION naming track, version, file and both checksums; nothing
//   is applied.
// - A migration that fails is left unrecorded, later ones are not applied, and
//   the mapped error names the file. DDL commits implicitly in MySQL, so the
//   statements of a failed migration that ran before the failing one stay.
// - One log line per applied migration.
//
// Runs on its own session opened with the pool's options (DDL on a big table
// may outlast the pool's io_timeout, and the named lock belongs to a session).
absl::Status ApplyMigrations(MySqlPool& pool, std::string_view track,
                             const std::vector<Migration>& migrations);

// Parses "V001__create_customers.sql" (a leading directory is ignored) into
// version 1, name "create_customers"; INVALID_ARGUMENT otherwise.
absl::StatusOr<Migration> MigrationFromFile(std::string_view file_name, std::string sql);

// "V001__create_customers.sql": how logs and errors name a migration.
std::string MigrationFileName(const Migration& migration);

// Splits a migration's text into statements: a statement ends with `;` at the
// end of a line (trailing whitespace allowed); lines starting with `--` are
// comments and dropped. A `;` elsewhere in a line does not split.
std::vector<std::string> SplitSqlStatements(std::string_view sql);

// The common track ("common"): tables every service schema has (idempotency
// records). Generated at build time from common/mysql/migrations/.
const std::vector<Migration>& CommonMigrations();

inline constexpr std::string_view kCommonMigrationTrack = "common";

// A service schema's whole history: the common track, then the service's own
// track `track` (how a service starts, and what its tests and benchmarks set up).
absl::Status ApplyServiceMigrations(MySqlPool& pool, std::string_view track,
                                    const std::vector<Migration>& migrations);

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_MIGRATIONS_H_
