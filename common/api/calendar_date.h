#ifndef CRM_COMMON_API_CALENDAR_DATE_H_
#define CRM_COMMON_API_CALENDAR_DATE_H_

#include <compare>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::common {

// A day of the Gregorian calendar without time zone, years 1 to 9999: the
// value of a crm.common.v1.Date message. Ordered by time.
struct CalendarDate {
  int year = 0;
  int month = 0;
  int day = 0;

  friend auto operator<=>(const CalendarDate&, const CalendarDate&) = default;
};

// The last day a date can name; used for "open-ended".
inline constexpr CalendarDate kMaxCalendarDate{9999, 12, 31};

// OK for a day that exists (2024-02-29 yes, 2023-02-29 no) in years 1..9999;
// else INVALID_ARGUMENT "<field>: 2023-02-29 is not a valid date (...)".
absl::Status ValidateCalendarDate(std::string_view field, const CalendarDate& date);

// "2024-01-31", the ISO 8601 / MySQL DATE text.
std::string FormatIsoDate(const CalendarDate& date);

// Reverses FormatIsoDate; anything else (or a day that does not exist) is
// INVALID_ARGUMENT.
absl::StatusOr<CalendarDate> ParseIsoDate(std::string_view text);

// The UTC calendar day `time` falls on.
CalendarDate UtcDate(absl::Time time);

// Conversions from and to a generated Date message (year(), month(), day()),
// kept as templates so this library needs no generated code.
template <typename DateMessage>
CalendarDate FromDateMessage(const DateMessage& message) {
  return CalendarDate{message.year(), message.month(), message.day()};
}

template <typename DateMessage>
void ToDateMessage(const CalendarDate& date, DateMessage* message) {
  message->set_year(date.year);
  message->set_month(date.month);
  message->set_day(date.day);
}

}  // namespace crm::common

#endif  // CRM_COMMON_API_CALENDAR_DATE_H_
