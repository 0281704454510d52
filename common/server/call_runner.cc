#include "common/server/call_runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "common/base/logging.h"
#include "common/server/request_id.h"

namespace crm::common {
namespace {

absl::Time CallDeadline(const grpc::CallbackServerContext& ctx, absl::Duration default_deadline) {
  absl::Time deadline = absl::Now() + default_deadline;
  std::chrono::system_clock::time_point client_deadline = ctx.deadline();
  if (client_deadline != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(client_deadline));
  }
  return deadline;
}

}  // namespace

CallRunner::CallRunner(WorkerPool& workers, const TokenAuthenticator& auth,
                       absl::Duration default_deadline)
    : workers_(workers), auth_(auth), default_deadline_(default_deadline) {}

void CallRunner::SetReady() { ready_.store(true, std::memory_order_release); }

grpc::ServerUnaryReactor* CallRunner::Run(grpc::CallbackServerContext* ctx, std::string_view scope,
                                          std::function<absl::Status(const CallContext&)> work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::StatusOr<CallContext> call = Admit(*ctx, scope);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  bool accepted =
      workers_.TrySubmit([ctx, reactor, call = *std::move(call), work = std::move(work)] {
        reactor->Finish(ToGrpcStatus(Execute(*ctx, call, work)));
      });
  if (!accepted) reactor->Finish(ToGrpcStatus(Overloaded()));
  return reactor;
}

absl::StatusOr<CallContext> CallRunner::Admit(grpc::CallbackServerContext& ctx,
                                              std::string_view scope) const {
  CallContext call;
  call.request_id = RequestIdFor(ctx.client_metadata());
  call.deadline = CallDeadline(ctx, default_deadline_);
  absl::StatusOr<Caller> caller = auth_.Authenticate(ctx.client_metadata());
  if (!caller.ok()) return caller.status();
  if (absl::Status allowed = Authorize(*caller, scope); !allowed.ok()) {
    return allowed;
  }
  if (!ready_.load(std::memory_order_acquire)) {
    return absl::UnavailableError(
        "the service is starting (its database schema is not up to date yet), retry");
  }
  call.caller = *std::move(caller);
  return call;
}

absl::Status CallRunner::Execute(grpc::CallbackServerContext& ctx, const CallContext& call,
                                 absl::FunctionRef<absl::Status(const CallContext&)> work) {
  ScopedRequestId bound(call.request_id);
  if (ctx.IsCancelled()) {
    return absl::CancelledError("the call was cancelled before it started");
  }
  if (absl::Now() >= call.deadline) {
    return absl::DeadlineExceededError("the deadline expired before the call started");
  }
  try {
    return work(call);
  } catch (const std::exception& e) {
    LogError("call handler threw an exception", {{"exception", e.what()}});
  } catch (...) {
    LogError("call handler threw an exception", {{"exception", "(not std)"}});
  }
  return absl::InternalError("internal error");
}

absl::Status CallRunner::Overloaded() { return absl::UnavailableError("server overloaded, retry"); }

}  // namespace crm::common
