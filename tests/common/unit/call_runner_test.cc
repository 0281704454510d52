// The call runner and interceptors, served in-process over a real gRPC
// server (StartGrpcServer) with the probe protocol.
#include "common/server/call_runner.h"

#include <grpcpp/create_channel.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/base/sha256.h"
#include "common/server/metrics.h"
#include "common/server/scopes.h"
#include "common/server/server.h"
#include "common/server/worker_pool.h"
#include "crm/testing/v1/probe_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

using ::crm::testing::v1::CountRowsRequest;
using ::crm::testing::v1::CountRowsResponse;
using ::crm::testing::v1::ProbeService;
using ::crm::testing::v1::SleepRequest;
using ::crm::testing::v1::SleepResponse;
using ::crm::testing::v1::TickRequest;
using ::crm::testing::v1::TickResponse;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "reader-token";  // customers.read
constexpr char kWriterToken[] = "writer-token";  // customers.read + write

// Handlers written the way services write them; the work of Sleep is
// supplied by each test.
class TestProbeService final : public ProbeService::CallbackService {
 public:
  explicit TestProbeService(CallRunner& runner) : runner_(runner) {}

  std::function<absl::Status(const CallContext&)> sleep_work = [](const CallContext&) {
    return absl::OkStatus();
  };
  std::atomic<int> handler_calls{0};
  std::atomic<std::thread::id> handler_thread;
  std::atomic<std::thread::id> work_thread;
  CallContext last_call;  // written by the work, read after the call

  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* context,
                                  const SleepRequest* /*request*/,
                                  SleepResponse* response) override {
    handler_thread = std::this_thread::get_id();
    ++handler_calls;
    return runner_.Run(context, kCustomersRead, [this, response](const CallContext& call) {
      work_thread = std::this_thread::get_id();
      last_call = call;
      response->set_request_id(call.request_id);
      response->set_team(call.caller.team);
      return sleep_work(call);
    });
  }

  grpc::ServerUnaryReactor* CountRows(grpc::CallbackServerContext* context,
                                      const CountRowsRequest* /*request*/,
                                      CountRowsResponse* response) override {
    return runner_.Run(context, kCustomersWrite, [response](const CallContext&) {
      response->set_row_count(42);
      return absl::OkStatus();
    });
  }

  grpc::ServerWriteReactor<TickResponse>* Tick(grpc::CallbackServerContext* context,
                                               const TickRequest* request) override {
    return runner_.RunServerStream<TickResponse>(
        context, kCustomersRead, [request](const CallContext&, StreamWriter<TickResponse>& writer) {
          for (int i = 0; i < request->count(); ++i) {
            TickResponse tick;
            tick.set_index(i);
            if (!writer.Write(tick)) return absl::CancelledError("client gone");
          }
          return absl::OkStatus();
        });
  }

 private:
  CallRunner& runner_;
};

TokenAuthenticator TestTokens() {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(
      Sha256Hex(kReaderToken) + " readers customers.read\n" + Sha256Hex(kWriterToken) +
          " writers customers.read,customers.write\n",
      "test tokens");
  if (!auth.ok()) throw std::runtime_error(std::string(auth.status().message()));
  return *std::move(auth);
}

class CallRunnerTest : public ::testing::Test {
 protected:
  // Starts the server with its own worker pool shape and default deadline;
  // its runner is ready unless `ready` is false.
  void StartServer(int threads, int max_queue, absl::Duration default_deadline = absl::Seconds(30),
                   bool ready = true) {
    workers_ = std::make_unique<WorkerPool>(threads, max_queue);
    runner_ = std::make_unique<CallRunner>(*workers_, auth_, default_deadline);
    if (ready) runner_->SetReady();
    auto service = std::make_unique<TestProbeService>(*runner_);
    service_ = service.get();
    services_.push_back(std::move(service));
    absl::StatusOr<StartedServer> started =
        StartGrpcServer("127.0.0.1:0", grpc::InsecureServerCredentials(), services_, metrics_);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(started->server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                                   grpc::InsecureChannelCredentials());
    stub_ = ProbeService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (workers_) workers_->Shutdown();
  }

  static void Authorize(grpc::ClientContext& context, const std::string& token) {
    context.AddMetadata("authorization", "Bearer " + token);
  }

  grpc::Status CallSleep(const std::string& token, SleepResponse* response,
                         grpc::ClientContext* context = nullptr) {
    grpc::ClientContext own_context;
    if (context == nullptr) context = &own_context;
    if (!token.empty()) Authorize(*context, token);
    SleepRequest request;
    return stub_->Sleep(context, request, response);
  }

  static std::string EchoedRequestId(const grpc::ClientContext& context) {
    auto it = context.GetServerInitialMetadata().find("x-request-id");
    if (it == context.GetServerInitialMetadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  TokenAuthenticator auth_ = TestTokens();
  CallMetrics metrics_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<CallRunner> runner_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  TestProbeService* service_ = nullptr;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ProbeService::Stub> stub_;
};

TEST_F(CallRunnerTest, MissingTokenIsUnauthenticated) {
  StartServer(2, 10);
  SleepResponse response;
  grpc::Status status = CallSleep("", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "missing bearer token in the authorization metadata");
}

TEST_F(CallRunnerTest, UnknownTokenIsUnauthenticated) {
  StartServer(2, 10);
  SleepResponse response;
  grpc::Status status = CallSleep("stolen-token", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "unknown bearer token");
}

TEST_F(CallRunnerTest, MissingScopeIsPermissionDenied) {
  StartServer(2, 10);
  grpc::ClientContext context;
  Authorize(context, kReaderToken);
  CountRowsResponse response;
  grpc::Status status = stub_->CountRows(&context, CountRowsRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "team readers lacks scope customers.write");
}

TEST_F(CallRunnerTest, CallsBeforeTheServiceIsReadyAreUnavailableUntilItIs) {
  StartServer(2, 10, absl::Seconds(30), /*ready=*/false);
  std::atomic<int> work_runs{0};
  service_->sleep_work = [&work_runs](const CallContext&) {
    ++work_runs;
    return absl::OkStatus();
  };
  SleepResponse response;
  grpc::Status status = CallSleep(kReaderToken, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(),
            "the service is starting (its database schema is not up to date yet), retry");
  EXPECT_EQ(work_runs, 0);

  runner_->SetReady();
  grpc::ClientContext context;
  status = CallSleep(kReaderToken, &response, &context);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(work_runs, 1);
}

TEST_F(CallRunnerTest, AuthorizedCallRunsOnAWorkerNotOnTheGrpcThread) {
  StartServer(2, 10);
  grpc::ClientContext context;
  Authorize(context, kWriterToken);
  CountRowsResponse count;
  ASSERT_TRUE(stub_->CountRows(&context, CountRowsRequest(), &count).ok());
  EXPECT_EQ(count.row_count(), 42);

  SleepResponse response;
  grpc::Status status = CallSleep(kReaderToken, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.team(), "readers");
  EXPECT_NE(service_->handler_thread.load(), service_->work_thread.load());
  EXPECT_TRUE(service_->last_call.caller.HasScope(kCustomersRead));
}

TEST_F(CallRunnerTest, WorkStatusIsTheCallStatus) {
  StartServer(2, 10);
  service_->sleep_work = [](const CallContext&) {
    return absl::InvalidArgumentError("milliseconds: must be from 0 to 60000");
  };
  SleepResponse response;
  grpc::Status status = CallSleep(kReaderToken, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "milliseconds: must be from 0 to 60000");
}

TEST_F(CallRunnerTest, ExceptionInWorkIsInternalAndTheServerKeepsServing) {
  StartServer(1, 10);
  service_->sleep_work = [](const CallContext&) -> absl::Status {
    throw std::runtime_error("secret detail: table customers is corrupt");
  };
  SleepResponse response;
  grpc::Status status = CallSleep(kReaderToken, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "internal error");

  service_->sleep_work = [](const CallContext&) { return absl::OkStatus(); };
  EXPECT_TRUE(CallSleep(kReaderToken, &response).ok());
}

TEST_F(CallRunnerTest, GeneratedRequestIdIsEchoedAndSeenByTheWork) {
  StartServer(2, 10);
  grpc::ClientContext context;
  SleepResponse response;
  ASSERT_TRUE(CallSleep(kReaderToken, &response, &context).ok());
  std::string echoed = EchoedRequestId(context);
  EXPECT_EQ(echoed.size(), 32u);
  EXPECT_EQ(response.request_id(), echoed);

  grpc::ClientContext second_context;
  SleepResponse second;
  ASSERT_TRUE(CallSleep(kReaderToken, &second, &second_context).ok());
  EXPECT_NE(second.request_id(), response.request_id());
}

TEST_F(CallRunnerTest, SuppliedRequestIdIsKept) {
  StartServer(2, 10);
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "batch-7/item-12");
  SleepResponse response;
  ASSERT_TRUE(CallSleep(kReaderToken, &response, &context).ok());
  EXPECT_EQ(EchoedRequestId(context), "batch-7/item-12");
  EXPECT_EQ(response.request_id(), "batch-7/item-12");
}

TEST_F(CallRunnerTest, InvalidSuppliedRequestIdIsReplaced) {
  StartServer(2, 10);
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", std::string(300, 'z'));
  SleepResponse response;
  ASSERT_TRUE(CallSleep(kReaderToken, &response, &context).ok());
  EXPECT_EQ(EchoedRequestId(context).size(), 32u);
  EXPECT_EQ(response.request_id(), EchoedRequestId(context));
}

TEST_F(CallRunnerTest, RejectedCallsAlsoCarryARequestId) {
  StartServer(2, 10);
  grpc::ClientContext context;
  SleepResponse response;
  EXPECT_EQ(CallSleep("", &response, &context).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(EchoedRequestId(context).size(), 32u);
}

TEST_F(CallRunnerTest, DeadlineIsTheEarlierOfClientAndDefault) {
  StartServer(2, 10, /*default_deadline=*/absl::Seconds(30));
  SleepResponse response;
  {
    grpc::ClientContext context;
    const absl::Time client_deadline = absl::Now() + absl::Seconds(5);
    context.set_deadline(absl::ToChronoTime(client_deadline));
    ASSERT_TRUE(CallSleep(kReaderToken, &response, &context).ok());
    // gRPC sends the deadline as a timeout, so the server's copy is later by
    // the transit time; far from the 30 s default either way.
    EXPECT_LT(absl::AbsDuration(service_->last_call.deadline - client_deadline), absl::Seconds(2));
  }
  {
    const absl::Time before = absl::Now();
    ASSERT_TRUE(CallSleep(kReaderToken, &response).ok());  // no client deadline
    EXPECT_GE(service_->last_call.deadline, before + absl::Seconds(30));
    EXPECT_LE(service_->last_call.deadline, absl::Now() + absl::Seconds(30));
  }
}

TEST_F(CallRunnerTest, FullQueueFailsFastWithUnavailable) {
  StartServer(/*threads=*/1, /*max_queue=*/0);
  absl::Notification started;
  absl::Notification release;
  service_->sleep_work = [&](const CallContext&) {
    started.Notify();
    release.WaitForNotification();
    return absl::OkStatus();
  };
  grpc::Status first_status;
  std::jthread first([&] {
    SleepResponse response;
    first_status = CallSleep(kReaderToken, &response);
  });
  // On any early exit: unblock the work first, then the threads join.
  absl::Cleanup release_on_exit = [&] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));

  const absl::Time before = absl::Now();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  SleepResponse response;
  grpc::Status status = CallSleep(kReaderToken, &response, &context);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "server overloaded, retry");
  EXPECT_LT(absl::Now() - before, absl::Seconds(10));  // not parked until its deadline

  release.Notify();
  first.join();
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
}

TEST_F(CallRunnerTest, CallWhoseDeadlinePassedInTheQueueIsNotRun) {
  StartServer(/*threads=*/1, /*max_queue=*/5, /*default_deadline=*/absl::Milliseconds(300));
  absl::Notification started;
  absl::Notification release;
  std::atomic<int> runs{0};
  service_->sleep_work = [&](const CallContext&) {
    if (++runs == 1) {
      started.Notify();
      release.WaitForNotification();
    }
    return absl::OkStatus();
  };
  std::jthread first([&] {
    SleepResponse response;
    CallSleep(kReaderToken, &response);
  });
  // On any early exit: unblock the work first, then the threads join.
  absl::Cleanup release_first = [&] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));

  grpc::Status queued_status;
  std::jthread queued([&] {
    SleepResponse response;
    queued_status = CallSleep(kReaderToken, &response);  // no client deadline
  });
  absl::Cleanup release_queued = [&] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (service_->handler_calls < 2 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(service_->handler_calls, 2);    // the second call is queued
  absl::SleepFor(absl::Milliseconds(400));  // past its 300 ms default deadline
  release.Notify();
  first.join();
  queued.join();
  EXPECT_EQ(queued_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(queued_status.error_message(), "the deadline expired before the call started");
  EXPECT_EQ(runs, 1);
}

TEST_F(CallRunnerTest, ServerStreamDeliversEveryMessage) {
  StartServer(2, 10);
  grpc::ClientContext context;
  Authorize(context, kReaderToken);
  TickRequest request;
  request.set_count(25);
  std::unique_ptr<grpc::ClientReader<TickResponse>> reader = stub_->Tick(&context, request);
  TickResponse tick;
  int expected = 0;
  while (reader->Read(&tick)) {
    EXPECT_EQ(tick.index(), expected);
    ++expected;
  }
  grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(expected, 25);
  EXPECT_EQ(EchoedRequestId(context).size(), 32u);
}

TEST_F(CallRunnerTest, ServerStreamChecksTheTokenFirst) {
  StartServer(2, 10);
  grpc::ClientContext context;
  TickRequest request;
  request.set_count(3);
  std::unique_ptr<grpc::ClientReader<TickResponse>> reader = stub_->Tick(&context, request);
  TickResponse tick;
  EXPECT_FALSE(reader->Read(&tick));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CallRunnerTest, ServerStreamStopsWhenTheClientCancels) {
  StartServer(1, 10);
  grpc::ClientContext context;
  Authorize(context, kReaderToken);
  TickRequest request;
  request.set_count(1000);
  std::unique_ptr<grpc::ClientReader<TickResponse>> reader = stub_->Tick(&context, request);
  TickResponse tick;
  ASSERT_TRUE(reader->Read(&tick));
  context.TryCancel();
  while (reader->Read(&tick)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The single worker is free again: the stream's work ended.
  SleepResponse response;
  grpc::ClientContext next;
  next.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  EXPECT_TRUE(CallSleep(kReaderToken, &response, &next).ok());
}

TEST_F(CallRunnerTest, EveryCallIsCountedByMethodAndCode) {
  StartServer(2, 10);
  SleepResponse response;
  ASSERT_TRUE(CallSleep(kReaderToken, &response).ok());
  ASSERT_TRUE(CallSleep(kReaderToken, &response).ok());
  ASSERT_FALSE(CallSleep("", &response).ok());
  std::string text = prometheus::TextSerializer().Serialize(metrics_.registry()->Collect());
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(crm_grpc_requests_total{code="OK",method="/crm.testing.v1.ProbeService/Sleep"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(crm_grpc_requests_total{code="UNAUTHENTICATED",method="/crm.testing.v1.ProbeService/Sleep"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(crm_grpc_request_duration_seconds_count{method="/crm.testing.v1.ProbeService/Sleep"} 3)"));
}

}  // namespace
}  // namespace crm::common
