#include "common/mysql/idempotency.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql/migrations.h"
#include "tests/support/test_database.h"

namespace crm::common {
namespace {

using ::crm::test_support::Execute;
using ::crm::test_support::ExecuteSql;
using ::crm::test_support::IsOk;
using ::crm::test_support::QueryInt;
using ::crm::test_support::TestDatabase;
using ::testing::HasSubstr;

constexpr char kMethod[] = "/crm.widget.v1.WidgetService/CreateWidget";

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(ApplyMigrations(pool_, kCommonMigrationTrack, CommonMigrations()), IsOk());
    ASSERT_THAT(ExecuteSql(pool_,
                           "CREATE TABLE widgets (id INT AUTO_INCREMENT PRIMARY KEY, "
                           "name VARCHAR(50) NOT NULL) ENGINE=InnoDB"),
                IsOk());
  }

  // What a Create handler does: insert a widget, return the response bytes.
  absl::StatusOr<std::string> CreateWidget(std::string_view request_id,
                                           std::string_view fingerprint,
                                           const std::string& response = "widgets/1") {
    return RunIdempotent(pool_, absl::Now() + absl::Seconds(30), kMethod, request_id, fingerprint,
                         [&](sql::Connection& c) -> absl::StatusOr<std::string> {
                           ++body_runs_;
                           Execute(c, "INSERT INTO widgets (name) VALUES ('w')");
                           return response;
                         });
  }

  int64_t Widgets() { return *QueryInt(pool_, "SELECT COUNT(*) FROM widgets"); }
  int64_t Records() { return *QueryInt(pool_, "SELECT COUNT(*) FROM idempotency_records"); }

  TestDatabase db_;
  MySqlPool pool_{db_.options()};
  std::atomic<int> body_runs_{0};
};

TEST_F(IdempotencyTest, FirstCallRunsBodyAndStoresItsResponse) {
  absl::StatusOr<std::string> response = CreateWidget("req-1", "name=w");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(*response, "widgets/1");
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Widgets(), 1);
  EXPECT_EQ(Records(), 1);
}

TEST_F(IdempotencyTest, ReplayReturnsStoredBytesWithoutRunningBody) {
  std::string binary("\x00\x01\xff\xfe response \x00 bytes", 22);
  binary += std::string(1 << 20, '\x7f');  // a large serialized message survives too
  ASSERT_THAT(CreateWidget("req-1", "name=w", binary), IsOk());

  absl::StatusOr<std::string> replay = CreateWidget("req-1", "name=w", "must not be returned");

  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(*replay == binary) << "stored bytes come back unchanged";
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Widgets(), 1) << "the replay created nothing new";
}

TEST_F(IdempotencyTest, SameRequestIdWithDifferentRequestIsAlreadyExists) {
  ASSERT_THAT(CreateWidget("req-1", "name=w"), IsOk());

  absl::StatusOr<std::string> other = CreateWidget("req-1", "name=other");

  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(
      other.status().message(),
      absl::StrCat("request_id req-1 was already used for a different ", kMethod, " request"));
  EXPECT_EQ(body_runs_, 1);
}

TEST_F(IdempotencyTest, RequestIdsAreCaseSensitiveAndScopedByMethod) {
  ASSERT_THAT(CreateWidget("req-1", "name=w"), IsOk());
  ASSERT_THAT(CreateWidget("REQ-1", "name=w"), IsOk());
  absl::StatusOr<std::string> other_method =
      RunIdempotent(pool_, absl::Now() + absl::Seconds(30), "/other/Method", "req-1", "x",
                    [](sql::Connection&) -> absl::StatusOr<std::string> { return "other"; });
  ASSERT_TRUE(other_method.ok()) << other_method.status();
  EXPECT_EQ(*other_method, "other");
  EXPECT_EQ(body_runs_, 2);
}

TEST_F(IdempotencyTest, FailedBodyStoresNothingAndRetryRunsItAgain) {
  absl::StatusOr<std::string> failed =
      RunIdempotent(pool_, absl::Now() + absl::Seconds(30), kMethod, "req-1", "name=w",
                    [&](sql::Connection& c) -> absl::StatusOr<std::string> {
                      ++body_runs_;
                      Execute(c, "INSERT INTO widgets (name) VALUES ('w')");
                      return absl::InvalidArgumentError("name is taken");
                    });
  EXPECT_EQ(failed.status(), absl::InvalidArgumentError("name is taken"));
  EXPECT_EQ(Records(), 0);
  EXPECT_EQ(Widgets(), 0);

  absl::StatusOr<std::string> retry = CreateWidget("req-1", "name=w");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(Widgets(), 1);
}

TEST_F(IdempotencyTest, ConcurrentCallsWithSameRequestIdRunBodyOnce) {
  constexpr int kCallers = 4;
  std::latch start(kCallers);
  std::vector<absl::StatusOr<std::string>> responses(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      start.arrive_and_wait();
      responses[i] =
          RunIdempotent(pool_, absl::Now() + absl::Seconds(30), kMethod, "req-1", "name=w",
                        [&](sql::Connection& c) -> absl::StatusOr<std::string> {
                          ++body_runs_;
                          Execute(c, "INSERT INTO widgets (name) VALUES ('w')");
                          // Holds the claim long enough for the others to queue on it.
                          absl::SleepFor(absl::Milliseconds(300));
                          return absl::StrCat("widgets/by-caller-", i);
                        });
    });
  }
  for (std::thread& caller : callers) caller.join();

  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Widgets(), 1);
  for (const auto& response : responses) {
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(*response, *responses[0]) << "every caller sees the first result";
  }
}

TEST_F(IdempotencyTest, EmptyRequestIdAlwaysRunsBody) {
  ASSERT_THAT(CreateWidget("", "name=w"), IsOk());
  ASSERT_THAT(CreateWidget("", "name=w"), IsOk());
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(Widgets(), 2);
  EXPECT_EQ(Records(), 0);
}

TEST_F(IdempotencyTest, RejectsRequestIdsTheTableCannotHold) {
  const absl::Status too_long = CreateWidget(std::string(129, 'r'), "x").status();
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.message()), HasSubstr("request_id"));
  EXPECT_THAT(std::string(too_long.message()), HasSubstr("128"));

  const absl::Status not_utf8 = CreateWidget("req-\xff", "x").status();
  EXPECT_EQ(not_utf8.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_utf8.message()), HasSubstr("UTF-8"));
  EXPECT_EQ(body_runs_, 0);

  std::string longest_multibyte;
  for (int i = 0; i < 128; ++i) longest_multibyte += "\xc3\xa9";  // 128 × "é"
  absl::StatusOr<std::string> accepted = CreateWidget(longest_multibyte, "x");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_THAT(CreateWidget(longest_multibyte, "x"), IsOk());
  EXPECT_EQ(body_runs_, 1);
}

}  // namespace
}  // namespace crm::common
