#include "common/base/logging.h"

#include <gtest/gtest.h>

#include "common/base/grpc_status.h"
#include "common/base/sha256.h"

namespace crm::common {
namespace {

TEST(LoggingTest, LineIsOneJsonObjectWithEscapedFields) {
  const std::string line = FormatLogLine(LogLevel::kWarning, "customer_svc", "req-1",
                                         "quote \" and\nnewline", {{"table", "a\\b"}});
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  EXPECT_NE(line.find(R"("level":"warning")"), std::string::npos);
  EXPECT_NE(line.find(R"("component":"customer_svc")"), std::string::npos);
  EXPECT_NE(line.find(R"("request_id":"req-1")"), std::string::npos);
  EXPECT_NE(line.find(R"("msg":"quote \" and\nnewline")"), std::string::npos);
  EXPECT_NE(line.find(R"("table":"a\\b")"), std::string::npos);
}

TEST(LoggingTest, RequestIdOmittedWhenNoneBound) {
  const std::string line = FormatLogLine(LogLevel::kInfo, "c", "", "m", {});
  EXPECT_EQ(line.find("request_id"), std::string::npos);
}

TEST(LoggingTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(JsonEscape(std::string("a\x01z", 3)), "a\\u0001z");
}

TEST(LoggingTest, ScopedRequestIdNestsAndRestores) {
  EXPECT_EQ(CurrentRequestId(), "");
  {
    ScopedRequestId outer("outer");
    EXPECT_EQ(CurrentRequestId(), "outer");
    {
      ScopedRequestId inner("inner");
      EXPECT_EQ(CurrentRequestId(), "inner");
    }
    EXPECT_EQ(CurrentRequestId(), "outer");
  }
  EXPECT_EQ(CurrentRequestId(), "");
}

TEST(LoggingTest, ParsesLevels) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("loud").has_value());
}

TEST(Sha256Test, MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

TEST(GrpcStatusTest, CodesAndMessagesRoundTrip) {
  const absl::Status original = absl::AbortedError("etag is stale");
  const grpc::Status converted = ToGrpcStatus(original);
  EXPECT_EQ(converted.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(converted.error_message(), "etag is stale");
  EXPECT_EQ(FromGrpcStatus(converted), original);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace crm::common
