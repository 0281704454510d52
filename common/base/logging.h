#ifndef CRM_COMMON_BASE_LOGGING_H_
#define CRM_COMMON_BASE_LOGGING_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace crm::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// One structured field of a log line; every value is written as a JSON string.
using LogField = std::pair<std::string_view, std::string>;

// Process-wide setup, called once from main(): the component name written on
// every line (e.g. "customer_svc") and the lowest level written.
void InitLogging(std::string_view component, LogLevel min_level);

// Parses "debug" | "info" | "warning" | "error".
std::optional<LogLevel> ParseLogLevel(std::string_view text);

// Writes one JSON line to stderr:
// {"time":"...","level":"info","component":"...","request_id":"...","msg":"...",<fields>}
// request_id is the one bound to the current thread by ScopedRequestId, or
// omitted when none is bound.
void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields = {});

inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarning(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, m, f);
}

// Formats one log line without writing it (exposed for tests).
std::string FormatLogLine(LogLevel level, std::string_view component,
                          std::string_view request_id, std::string_view message,
                          std::initializer_list<LogField> fields);

// Escapes a string for inclusion inside a JSON string literal.
std::string JsonEscape(std::string_view text);

// Binds a request id to the current thread for the lifetime of the object, so
// every log line written meanwhile carries it. Nests: the previous id returns.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string request_id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// The request id bound to this thread, or "" when none.
const std::string& CurrentRequestId();

}  // namespace crm::common

#endif  // CRM_COMMON_BASE_LOGGING_H_
