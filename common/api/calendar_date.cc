#include "common/api/calendar_date.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"

namespace crm::common {

absl::Status ValidateCalendarDate(std::string_view field, const CalendarDate& date) {
  const absl::CivilDay civil(date.year, date.month, date.day);
  if (date.year < 1 || date.year > 9999 || civil.year() != date.year ||
      civil.month() != date.month || civil.day() != date.day) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %d-%02d-%02d is not a valid date (year 1-9999, month 1-12, a day the month has)",
        field, date.year, date.month, date.day));
  }
  return absl::OkStatus();
}

std::string FormatIsoDate(const CalendarDate& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year, date.month, date.day);
}

absl::StatusOr<CalendarDate> ParseIsoDate(std::string_view text) {
  auto digits = [&](size_t start, size_t count, int& value) {
    for (size_t i = start; i < start + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return absl::SimpleAtoi(absl::string_view(text.data() + start, count), &value);
  };
  CalendarDate date;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, date.year) ||
      !digits(5, 2, date.month) || !digits(8, 2, date.day)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is not a date of the form YYYY-MM-DD", QuoteValue(text)));
  }
  if (absl::Status valid = ValidateCalendarDate("date", date); !valid.ok()) return valid;
  return date;
}

CalendarDate UtcDate(absl::Time time) {
  const absl::CivilDay day = absl::ToCivilDay(time, absl::UTCTimeZone());
  return CalendarDate{static_cast<int>(day.year()), day.month(), day.day()};
}

}  // namespace crm::common
