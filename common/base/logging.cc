#include "common/base/logging.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace crm::common {
namespace {

struct LoggingState {
  std::mutex mu;
  std::string component = "crm";
  LogLevel min_level = LogLevel::kInfo;
};

LoggingState& State() {
  static LoggingState* state = new LoggingState();  // never destroyed: used at exit
  return *state;
}

thread_local std::string current_request_id;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void InitLogging(std::string_view component, LogLevel min_level) {
  std::lock_guard<std::mutex> lock(State().mu);
  State().component = std::string(component);
  State().min_level = min_level;
}

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warning") return LogLevel::kWarning;
  if (text == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string FormatLogLine(LogLevel level, std::string_view component,
                          std::string_view request_id, std::string_view message,
                          std::initializer_list<LogField> fields) {
  std::string line = absl::StrFormat(
      R"({"time":"%s","level":"%s","component":"%s")",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      LevelName(level), JsonEscape(component));
  if (!request_id.empty()) {
    absl::StrAppendFormat(&line, R"(,"request_id":"%s")", JsonEscape(request_id));
  }
  absl::StrAppendFormat(&line, R"(,"msg":"%s")", JsonEscape(message));
  for (const auto& [key, value] : fields) {
    absl::StrAppendFormat(&line, R"(,"%s":"%s")", JsonEscape(key), JsonEscape(value));
  }
  line += "}\n";
  return line;
}

void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields) {
  std::string component;
  {
    std::lock_guard<std::mutex> lock(State().mu);
    if (level < State().min_level) return;
    component = State().component;
  }
  const std::string line =
      FormatLogLine(level, component, current_request_id, message, fields);
  // One fwrite per line keeps lines whole when threads log concurrently.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

ScopedRequestId::ScopedRequestId(std::string request_id)
    : previous_(std::move(current_request_id)) {
  current_request_id = std::move(request_id);
}

ScopedRequestId::~ScopedRequestId() { current_request_id = std::move(previous_); }

const std::string& CurrentRequestId() { return current_request_id; }

}  // namespace crm::common
