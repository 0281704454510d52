#include "common/server/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <string>

#include "common/base/logging.h"

namespace crm::common {
namespace {

sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  thread_ = std::thread([this] { WaitLoop(); });
}

ShutdownSignal::~ShutdownSignal() {
  stopping_ = true;
  // Wakes the sigwait below; the signal is blocked everywhere, so it is
  // consumed there and never delivered to the process.
  pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
}

void ShutdownSignal::WaitLoop() {
  const sigset_t signals = ShutdownSignals();
  while (true) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) continue;
    if (stopping_) return;
    const std::string name = sigabbrev_np(signal_number);
    if (requested_.HasBeenNotified()) {
      LogInfo("shutdown already in progress; signal ignored", {{"signal", name}});
      continue;
    }
    LogInfo("shutdown requested", {{"signal", name}});
    requested_.Notify();
  }
}

}  // namespace crm::common
