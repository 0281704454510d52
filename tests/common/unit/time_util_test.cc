#include "common/api/time_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::StartsWith;

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(nanos);
  return timestamp;
}

absl::Time Utc(int64_t y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(ValidateTimestampTest, AcceptsTheWholeValidRange) {
  EXPECT_TRUE(ValidateTimestamp("purchase.time", Ts(0, 0)).ok());
  EXPECT_TRUE(ValidateTimestamp("purchase.time", Ts(1714564800, 123456789)).ok());
  EXPECT_TRUE(ValidateTimestamp("purchase.time", Ts(-1, 999999999)).ok());
  EXPECT_TRUE(ValidateTimestamp("purchase.time", Ts(kMinTimestampSeconds, 0)).ok());
  EXPECT_TRUE(ValidateTimestamp("purchase.time", Ts(kMaxTimestampSeconds, 999999999)).ok());
}

TEST(ValidateTimestampTest, RangeConstantsAreYearOneAndYear9999) {
  EXPECT_EQ(absl::FromUnixSeconds(kMinTimestampSeconds), Utc(1, 1, 1, 0, 0, 0));
  EXPECT_EQ(absl::FromUnixSeconds(kMaxTimestampSeconds), Utc(9999, 12, 31, 23, 59, 59));
}

TEST(ValidateTimestampTest, RejectsSecondsOutsideTheRange) {
  for (int64_t seconds :
       {kMinTimestampSeconds - 1, kMaxTimestampSeconds + 1, std::numeric_limits<int64_t>::min(),
        std::numeric_limits<int64_t>::max()}) {
    const absl::Status status = ValidateTimestamp("purchase.time", Ts(seconds, 0));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << seconds;
    EXPECT_EQ(status.message(),
              "purchase.time: must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (got "
              "seconds=" +
                  std::to_string(seconds) + ")");
  }
}

TEST(ValidateTimestampTest, RejectsNanosOutsideTheRange) {
  EXPECT_EQ(ValidateTimestamp("purchase.time", Ts(0, -1)).message(),
            "purchase.time.nanos: must be between 0 and 999999999 (got -1)");
  EXPECT_EQ(ValidateTimestamp("purchase.time", Ts(0, 1000000000)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTimestamp("purchase.time", Ts(0, std::numeric_limits<int32_t>::min())).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProtoTimestampTest, ConvertsBothWaysExactly) {
  for (const auto& timestamp : {Ts(0, 0), Ts(1714564800, 123456789), Ts(-1, 999999999),
                                Ts(-62135596800, 0), Ts(253402300799, 999999999)}) {
    const absl::Time time = FromProtoTimestamp(timestamp);
    const google::protobuf::Timestamp back = ToProtoTimestamp(time);
    EXPECT_EQ(back.seconds(), timestamp.seconds());
    EXPECT_EQ(back.nanos(), timestamp.nanos());
  }
  EXPECT_EQ(FromProtoTimestamp(Ts(-1, 500000000)), absl::FromUnixMillis(-500));
}

TEST(ProtoTimestampTest, TimesBeforeTheEpochKeepNanosNonNegative) {
  const google::protobuf::Timestamp timestamp = ToProtoTimestamp(absl::FromUnixMillis(-1));
  EXPECT_EQ(timestamp.seconds(), -1);
  EXPECT_EQ(timestamp.nanos(), 999000000);
}

TEST(ProtoTimestampTest, OutOfRangeAndInfiniteTimesAreClamped) {
  for (absl::Time time : {absl::InfiniteFuture(), Utc(10000, 1, 1, 0, 0, 0)}) {
    const google::protobuf::Timestamp timestamp = ToProtoTimestamp(time);
    EXPECT_EQ(timestamp.seconds(), kMaxTimestampSeconds);
    EXPECT_EQ(timestamp.nanos(), 999999999);
    EXPECT_TRUE(ValidateTimestamp("t", timestamp).ok());
  }
  for (absl::Time time : {absl::InfinitePast(), Utc(0, 12, 31, 23, 59, 59)}) {
    const google::protobuf::Timestamp timestamp = ToProtoTimestamp(time);
    EXPECT_EQ(timestamp.seconds(), kMinTimestampSeconds);
    EXPECT_EQ(timestamp.nanos(), 0);
  }
}

TEST(MysqlDatetimeTest, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(FormatMysqlDatetime(Utc(2024, 5, 1, 12, 3, 4) + absl::Microseconds(56)),
            "2024-05-01 12:03:04.000056");
  EXPECT_EQ(FormatMysqlDatetime(absl::UnixEpoch()), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(FormatMysqlDatetime(Utc(1, 1, 1, 0, 0, 0)), "0001-01-01 00:00:00.000000");
  EXPECT_EQ(FormatMysqlDatetime(Utc(999, 1, 2, 3, 4, 5)), "0999-01-02 03:04:05.000000");
  EXPECT_EQ(FormatMysqlDatetime(FromProtoTimestamp(Ts(kMaxTimestampSeconds, 999999999))),
            "9999-12-31 23:59:59.999999");
}

TEST(MysqlDatetimeTest, TruncatesSubMicrosecondsTowardThePast) {
  EXPECT_EQ(FormatMysqlDatetime(FromProtoTimestamp(Ts(0, 1999))), "1970-01-01 00:00:00.000001");
  EXPECT_EQ(FormatMysqlDatetime(FromProtoTimestamp(Ts(-1, 999999999))),
            "1969-12-31 23:59:59.999999");
}

TEST(MysqlDatetimeTest, ClampsOutOfRangeTimes) {
  EXPECT_EQ(FormatMysqlDatetime(absl::InfiniteFuture()), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(FormatMysqlDatetime(absl::InfinitePast()), "0001-01-01 00:00:00.000000");
}

TEST(MysqlDatetimeTest, ParsesWhatItFormatsAndShorterFractions) {
  for (absl::Time time : {Utc(2024, 2, 29, 23, 59, 59) + absl::Microseconds(999999),
                          absl::UnixEpoch(), Utc(1, 1, 1, 0, 0, 0), Utc(9999, 12, 31, 23, 59, 59),
                          Utc(1969, 7, 20, 20, 17, 40) + absl::Microseconds(1)}) {
    const absl::StatusOr<absl::Time> parsed = ParseMysqlDatetime(FormatMysqlDatetime(time));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, time);
  }
  EXPECT_EQ(ParseMysqlDatetime("2024-05-01 12:03:04").value(), Utc(2024, 5, 1, 12, 3, 4));
  EXPECT_EQ(ParseMysqlDatetime("2024-05-01 12:03:04.5").value(),
            Utc(2024, 5, 1, 12, 3, 4) + absl::Milliseconds(500));
  EXPECT_EQ(ParseMysqlDatetime("2024-05-01 12:03:04.123").value(),
            Utc(2024, 5, 1, 12, 3, 4) + absl::Milliseconds(123));
}

TEST(MysqlDatetimeTest, RejectsMalformedAndImpossibleDates) {
  for (const std::string& text : {
           ""s,
           "2024-05-01"s,
           "2024-05-01T12:03:04"s,
           "2024-05-01 12:03:04Z"s,
           "2024-05-01 12:03:04."s,
           "2024-05-01 12:03:04.1234567"s,
           "2024-05-01 12:03:04.12a"s,
           "2024-5-1 12:03:04"s,
           " 2024-05-01 12:03:04"s,
           "2024-05-01 12:03:04 "s,
           "2024-05-01  12:03:04"s,
           "+024-05-01 12:03:04"s,
           "2024-05-01 12:03:04\0"s,
           "0000-00-00 00:00:00"s,
           "0000-01-01 00:00:00"s,
           "2023-02-29 00:00:00"s,
           "2024-02-30 00:00:00"s,
           "2024-13-01 00:00:00"s,
           "2024-00-10 00:00:00"s,
           "2024-04-31 00:00:00"s,
           "2024-05-01 24:00:00"s,
           "2024-05-01 12:60:00"s,
           "2024-05-01 12:00:60"s,
           "\xEF\xBC\x92"
           "024-05-01 12:00:00"s,
           "'; DROP TABLE x; --"s,
       }) {
    const absl::StatusOr<absl::Time> parsed = ParseMysqlDatetime(text);
    ASSERT_FALSE(parsed.ok()) << testing::PrintToString(text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), StartsWith("DATETIME value \""));
  }
}

}  // namespace
}  // namespace crm::common
