#ifndef CRM_COMMON_SERVER_CALL_RUNNER_H_
#define CRM_COMMON_SERVER_CALL_RUNNER_H_

// Decision: blocking work never runs on gRPC's threads.
//
// Services use the gRPC callback API. Every handler returns
// `runner.Run(ctx, scope, work)`: on the gRPC thread the runner only does
// cheap in-memory steps (request id, token check, scope check), then hands
// `work` (which may block on MySQL) to a bounded WorkerPool and returns the
// reactor immediately; the worker finishes the reactor with the work's
// status. gRPC's callback threads therefore never wait on the database.
//
// The pool has as many threads as the MySQL pool has connections (by
// default), so a worker never waits for a connection that cannot exist, and
// its queue is bounded: when it is full a new call fails at once with
// UNAVAILABLE "server overloaded, retry" instead of piling up until its
// deadline passes.
//
// A unary handler looks like:
//   grpc::ServerUnaryReactor* GetThing(grpc::CallbackServerContext* ctx,
//                                      const GetThingRequest* request,
//                                      Thing* response) override {
//     return runner_.Run(ctx, kThingsRead, [=](const CallContext& call) {
//       return service_.GetThing(call, *request, *response);
//     });
//   }
//
// A client-streaming handler reads the client's messages from its worker
// through a StreamReader (RunClientStream) and fills `response`, which gRPC
// sends when the work returns OK.

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/grpc_status.h"
#include "common/server/auth.h"
#include "common/server/worker_pool.h"

namespace crm::common {

// What the work of one call knows about it.
struct CallContext {
  std::string request_id;
  Caller caller;
  // min(client deadline, call start + default deadline): pass it on to every
  // blocking step (pool checkout, queries).
  absl::Time deadline;
};

// Lets the work of a server-streaming call send messages from its worker.
template <typename Response>
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends one message and waits until gRPC has taken it. False when the
  // client is gone or the call was cancelled: stop producing then.
  virtual bool Write(const Response& message) = 0;
};

// Lets the work of a client-streaming call read the client's messages from
// its worker.
template <typename Request>
class StreamReader {
 public:
  virtual ~StreamReader() = default;
  // Waits for the next message: true with `message` filled in, false once the
  // client has finished sending. CANCELLED when the client is gone,
  // DEADLINE_EXCEEDED when the call's deadline passes while waiting; every
  // later Read returns the same error.
  virtual absl::StatusOr<bool> Read(Request& message) = 0;
};

class CallRunner {
 public:
  CallRunner(WorkerPool& workers, const TokenAuthenticator& auth, absl::Duration default_deadline);

  // Until this is called (once the service's migrations are applied), every
  // authorized call fails UNAVAILABLE "the service is starting" without
  // running its work: its tables may not exist yet.
  void SetReady();

  // Authenticates, authorizes `scope`, checks readiness (SetReady), binds the
  // request id for logging (ScopedRequestId), runs `work` on a worker and
  // finishes the reactor with ToGrpcStatus(result). A deadline already
  // expired (or a call already cancelled) when a worker picks the call up →
  // DEADLINE_EXCEEDED (CANCELLED) without running `work`; a full queue →
  // UNAVAILABLE; an exception escaping `work` → INTERNAL "internal error",
  // logged.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, std::string_view scope,
                                std::function<absl::Status(const CallContext&)> work);

  // The same for a server-streaming call: `work` writes the messages through
  // the StreamWriter (occupying its worker until it returns, so streams must
  // be bounded by the call's deadline) and its status ends the stream.
  template <typename Response>
  grpc::ServerWriteReactor<Response>* RunServerStream(
      grpc::CallbackServerContext* ctx, std::string_view scope,
      std::function<absl::Status(const CallContext&, StreamWriter<Response>&)> work);

  // The same for a client-streaming call: `work` reads the messages through
  // the StreamReader (occupying its worker while it waits for the client, up
  // to the call's deadline) and fills the call's response; its status ends
  // the call (the response is sent only with OK).
  template <typename Request>
  grpc::ServerReadReactor<Request>* RunClientStream(
      grpc::CallbackServerContext* ctx, std::string_view scope,
      std::function<absl::Status(const CallContext&, StreamReader<Request>&)> work);

 private:
  template <typename Response>
  class BlockingWriteReactor;
  template <typename Request>
  class BlockingReadReactor;

  // The cheap checks done on the gRPC thread; the error ends the call.
  absl::StatusOr<CallContext> Admit(grpc::CallbackServerContext& ctx, std::string_view scope) const;

  // Runs `work` on the current (worker) thread with the request id bound,
  // unless the call expired or was cancelled meanwhile; never throws.
  static absl::Status Execute(grpc::CallbackServerContext& ctx, const CallContext& call,
                              absl::FunctionRef<absl::Status(const CallContext&)> work);

  static absl::Status Overloaded();

  WorkerPool& workers_;
  const TokenAuthenticator& auth_;
  const absl::Duration default_deadline_;
  std::atomic<bool> ready_{false};
};

// A write reactor whose writes block the calling worker until gRPC is done
// with the message. It deletes itself when gRPC reports the call done.
template <typename Response>
class CallRunner::BlockingWriteReactor final : public grpc::ServerWriteReactor<Response>,
                                               public StreamWriter<Response> {
 public:
  bool Write(const Response& message) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (broken_) return false;
      write_done_ = false;
    }
    // Not under the lock: gRPC may run OnWriteDone inline on this thread.
    this->StartWrite(&message);
    std::unique_lock<std::mutex> lock(mu_);
    write_done_cv_.wait(lock, [this] { return write_done_; });
    return !broken_;
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    write_done_ = true;
    if (!ok) broken_ = true;
    write_done_cv_.notify_all();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = true;
  }

  void OnDone() override { delete this; }

 private:
  std::mutex mu_;
  std::condition_variable write_done_cv_;
  bool write_done_ = true;
  bool broken_ = false;
};

template <typename Response>
grpc::ServerWriteReactor<Response>* CallRunner::RunServerStream(
    grpc::CallbackServerContext* ctx, std::string_view scope,
    std::function<absl::Status(const CallContext&, StreamWriter<Response>&)> work) {
  auto* reactor = new BlockingWriteReactor<Response>();
  absl::StatusOr<CallContext> call = Admit(*ctx, scope);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  bool accepted =
      workers_.TrySubmit([ctx, reactor, call = *std::move(call), work = std::move(work)] {
        absl::Status status = Execute(
            *ctx, call, [&](const CallContext& admitted) { return work(admitted, *reactor); });
        reactor->Finish(ToGrpcStatus(status));  // `reactor` may be gone after
      });
  if (!accepted) reactor->Finish(ToGrpcStatus(Overloaded()));
  return reactor;
}

// A read reactor whose reads block the calling worker until gRPC delivers the
// next message. gRPC reads into the reactor's own buffer, so a read still
// pending when the worker gives up (deadline) never touches the worker's
// memory. It deletes itself when gRPC reports the call done.
template <typename Request>
class CallRunner::BlockingReadReactor final : public grpc::ServerReadReactor<Request>,
                                              public StreamReader<Request> {
 public:
  explicit BlockingReadReactor(absl::Time deadline) : deadline_(deadline) {}

  absl::StatusOr<bool> Read(Request& message) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_.ok()) return error_;
      if (cancelled_) return error_ = absl::CancelledError("the client cancelled the call");
      if (finished_reading_) return false;
      read_done_ = false;
      buffer_.Clear();
    }
    // Not under the lock: gRPC may run OnReadDone inline on this thread.
    this->StartRead(&buffer_);
    std::unique_lock<std::mutex> lock(mu_);
    const bool woken = read_done_cv_.wait_until(lock, absl::ToChronoTime(deadline_),
                                                [this] { return read_done_ || cancelled_; });
    if (!woken) {
      return error_ = absl::DeadlineExceededError(
                 "the deadline expired while waiting for the client's next message");
    }
    if (cancelled_) return error_ = absl::CancelledError("the client cancelled the call");
    if (!read_ok_) {
      finished_reading_ = true;
      return false;
    }
    message.Swap(&buffer_);
    return true;
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    read_done_ = true;
    read_ok_ = ok;
    read_done_cv_.notify_all();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    read_done_cv_.notify_all();
  }

  void OnDone() override { delete this; }

 private:
  std::mutex mu_;
  std::condition_variable read_done_cv_;
  const absl::Time deadline_;
  Request buffer_;
  bool read_done_ = true;
  bool read_ok_ = false;
  bool finished_reading_ = false;
  bool cancelled_ = false;
  absl::Status error_;
};

template <typename Request>
grpc::ServerReadReactor<Request>* CallRunner::RunClientStream(
    grpc::CallbackServerContext* ctx, std::string_view scope,
    std::function<absl::Status(const CallContext&, StreamReader<Request>&)> work) {
  absl::StatusOr<CallContext> call = Admit(*ctx, scope);
  auto* reactor = new BlockingReadReactor<Request>(call.ok() ? call->deadline : absl::Now());
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  bool accepted =
      workers_.TrySubmit([ctx, reactor, call = *std::move(call), work = std::move(work)] {
        absl::Status status = Execute(
            *ctx, call, [&](const CallContext& admitted) { return work(admitted, *reactor); });
        reactor->Finish(ToGrpcStatus(status));  // `reactor` may be gone after
      });
  if (!accepted) reactor->Finish(ToGrpcStatus(Overloaded()));
  return reactor;
}

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_CALL_RUNNER_H_
