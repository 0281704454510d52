#include "common/api/time_util.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/api/quote.h"

namespace crm::common {
namespace {

constexpr int32_t kMaxNanos = 999'999'999;

absl::Time MinTime() { return absl::FromUnixSeconds(kMinTimestampSeconds); }
absl::Time MaxTime() {
  return absl::FromUnixSeconds(kMaxTimestampSeconds) + absl::Nanoseconds(kMaxNanos);
}

absl::Time Clamp(absl::Time time) { return std::clamp(time, MinTime(), MaxTime()); }

// Reads `count` ASCII digits from the front of `text` as a number.
bool ConsumeDigits(std::string_view* text, size_t count, int64_t* value) {
  if (text->size() < count) return false;
  *value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = (*text)[i];
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    *value = *value * 10 + (c - '0');
  }
  text->remove_prefix(count);
  return true;
}

bool ConsumeChar(std::string_view* text, char expected) {
  if (text->empty() || text->front() != expected) return false;
  text->remove_prefix(1);
  return true;
}

}  // namespace

absl::Status ValidateTimestamp(std::string_view field,
                               const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() < kMinTimestampSeconds || timestamp.seconds() > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (got seconds=%d)", field,
        timestamp.seconds()));
  }
  if (timestamp.nanos() < 0 || timestamp.nanos() > kMaxNanos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.nanos: must be between 0 and 999999999 (got %d)", field, timestamp.nanos()));
  }
  return absl::OkStatus();
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time time) {
  const absl::Time clamped = Clamp(time);
  const int64_t seconds = absl::ToUnixSeconds(clamped);  // rounds toward the past
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(clamped - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

std::string FormatMysqlDatetime(absl::Time time) {
  const absl::Time clamped = Clamp(time);
  const absl::CivilSecond civil = absl::ToCivilSecond(clamped, absl::UTCTimeZone());
  const int64_t micros =
      absl::ToInt64Microseconds(clamped - absl::FromCivil(civil, absl::UTCTimeZone()));
  // Written digit by digit: bulk writes format three times per row, and
  // StrFormat was most of that cost.
  std::string text = "0000-00-00 00:00:00.000000";
  const auto put = [&text](size_t end, int64_t value, int digits) {
    for (int i = 1; i <= digits; ++i) {
      text[end - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(4, civil.year(), 4);  // Clamp keeps the year within 1..9999
  put(7, civil.month(), 2);
  put(10, civil.day(), 2);
  put(13, civil.hour(), 2);
  put(16, civil.minute(), 2);
  put(19, civil.second(), 2);
  put(26, micros, 6);
  return text;
}

absl::StatusOr<absl::Time> ParseMysqlDatetime(std::string_view text) {
  const auto invalid = [text] {
    return absl::InvalidArgumentError(absl::StrFormat(
        "DATETIME value %s is not a date-time YYYY-MM-DD HH:MM:SS[.ffffff]", QuoteValue(text)));
  };
  std::string_view rest = text;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ConsumeDigits(&rest, 4, &year) || !ConsumeChar(&rest, '-') ||
      !ConsumeDigits(&rest, 2, &month) || !ConsumeChar(&rest, '-') ||
      !ConsumeDigits(&rest, 2, &day) || !ConsumeChar(&rest, ' ') ||
      !ConsumeDigits(&rest, 2, &hour) || !ConsumeChar(&rest, ':') ||
      !ConsumeDigits(&rest, 2, &minute) || !ConsumeChar(&rest, ':') ||
      !ConsumeDigits(&rest, 2, &second)) {
    return invalid();
  }
  int64_t micros = 0;
  if (ConsumeChar(&rest, '.')) {
    const size_t digits = rest.size();
    if (digits < 1 || digits > 6 || !ConsumeDigits(&rest, digits, &micros)) return invalid();
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (!rest.empty()) return invalid();

  // CivilSecond normalizes out-of-range fields (Feb 30 becomes Mar 2), so a
  // date exists exactly when it survives construction unchanged.
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (year < 1 || civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute || civil.second() != second) {
    return invalid();
  }
  return absl::FromCivil(civil, absl::UTCTimeZone()) + absl::Microseconds(micros);
}

}  // namespace crm::common
