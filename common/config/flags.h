#ifndef CRM_COMMON_CONFIG_FLAGS_H_
#define CRM_COMMON_CONFIG_FLAGS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::common {

// One command-line flag. Its environment fallback is CRM_ + the upper-cased
// name (db_host → CRM_DB_HOST). Secrets are never flag values: a secret is
// passed as the path of a file holding it, so no secret reaches --help,
// the process list or a log line.
struct FlagSpec {
  std::string name;
  std::string help;
  std::string default_value;
  bool required = false;
};

// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment (getenv).
EnvLookup ProcessEnvironment();

// "db_host" → "CRM_DB_HOST".
std::string EnvVarName(std::string_view flag_name);

struct ParsedFlags {
  std::map<std::string, std::string> values;  // every declared flag, resolved
  bool help_requested = false;
};

// Resolves every declared flag: `--name=value` or `--name value` on the
// command line wins, then the environment, then the default. Unknown flags
// and positional arguments are INVALID_ARGUMENT; all missing required flags
// are reported together in one INVALID_ARGUMENT.
absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<FlagSpec>& specs,
                                       const std::vector<std::string>& args,
                                       const EnvLookup& env);

// Usage text: one line per flag with its env variable and default.
std::string FlagsHelp(std::string_view program, const std::vector<FlagSpec>& specs);

// Reads a secret from a file, dropping one trailing newline. The error names
// the flag and path, never the content.
absl::StatusOr<std::string> ReadSecretFile(std::string_view flag_name, const std::string& path);

}  // namespace crm::common

#endif  // CRM_COMMON_CONFIG_FLAGS_H_
