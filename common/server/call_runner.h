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

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

class CallRunner {
 public:
  CallRunner(WorkerPool& workers, const TokenAuthenticator& auth, absl::Duration default_deadline);

  // Authenticates, authorizes `scope`, binds the request id for logging
  // (ScopedRequestId), runs `work` on a worker and finishes the reactor with
  // ToGrpcStatus(result). A deadline already expired (or a call already
  // cancelled) when a worker picks the call up → DEADLINE_EXCEEDED
  // (CANCELLED) without running `work`; a full queue → UNAVAILABLE; an
  // exception escaping `work` → INTERNAL "internal error", logged.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, std::string_view scope,
                                std::function<absl::Status(const CallContext&)> work);

  // The same for a server-streaming call: `work` writes the messages through
  // the StreamWriter (occupying its worker until it returns, so streams must
  // be bounded by the call's deadline) and its status ends the stream.
  template <typename Response>
  grpc::ServerWriteReactor<Response>* RunServerStream(
      grpc::CallbackServerContext* ctx, std::string_view scope,
      std::function<absl::Status(const CallContext&, StreamWriter<Response>&)> work);

 private:
  template <typename Response>
  class BlockingWriteReactor;

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

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_CALL_RUNNER_H_
