#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/server/interceptors.h"

namespace crm::common {
namespace {

absl::StatusOr<std::string> ReadPemFile(std::string_view what, const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", std::string(what), " ", path));
  }
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// grpc::Service does not expose its name, but the server keeps the names of
// everything registered; this plugin copies them once the server is built.
class ServiceNamesPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::vector<std::string>* names) : names_(names) {}
  std::string name() override { return "crm_service_names"; }
  void InitServer(grpc::ServerInitializer* /*initializer*/) override {}
  void Finish(grpc::ServerInitializer* initializer) override {
    for (const std::string& name : *initializer->GetServiceList()) {
      if (!absl::StartsWith(name, "grpc.")) names_->push_back(name);
    }
  }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}

 private:
  std::vector<std::string>* names_;
};

class ServiceNamesOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* names) : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(names_));
  }

 private:
  std::vector<std::string>* names_;
};

// gRPC's health service starts with the overall status SERVING. This holds
// every call that arrives before StartGrpcServer has turned each status to
// NOT_SERVING, so no client sees a service as ready before it is.
class HealthStatusGate : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit HealthStatusGate(std::shared_ptr<absl::Notification> opened)
      : opened_(std::move(opened)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* /*info*/) override {
    opened_->WaitForNotification();
    return nullptr;  // nothing to intercept
  }

 private:
  const std::shared_ptr<absl::Notification> opened_;
};

void SetEveryHealthStatusNotServing(grpc::Server& server,
                                    const std::vector<std::string>& service_names) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus("", false);
  for (const std::string& name : service_names) health->SetServingStatus(name, false);
}

void EnableHealthAndReflection() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  const bool mutual = !tls.client_ca_file.empty();
  grpc::SslServerCredentialsOptions options(
      mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
             : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  absl::StatusOr<std::string> cert = ReadPemFile("TLS certificate", tls.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile("TLS private key", tls.key_file);
  if (!key.ok()) return key.status();
  options.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (mutual) {
    absl::StatusOr<std::string> ca = ReadPemFile("TLS client CA", tls.client_ca_file);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen_address, std::shared_ptr<grpc::ServerCredentials> credentials,
    const std::vector<std::unique_ptr<grpc::Service>>& services, CallMetrics& metrics) {
  EnableHealthAndReflection();
  StartedServer started;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen_address, std::move(credentials), &started.port);
  // A second process on the same port must fail to start, not silently
  // share the port with the first.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (const std::unique_ptr<grpc::Service>& service : services) {
    builder.RegisterService(service.get());
  }
  auto health_statuses_set = std::make_shared<absl::Notification>();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<HealthStatusGate>(health_statuses_set));
  for (auto& interceptor : MakeServerInterceptors(metrics)) {
    interceptors.push_back(std::move(interceptor));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.SetOption(std::make_unique<ServiceNamesOption>(&started.service_names));
  started.server = builder.BuildAndStart();
  if (started.server != nullptr) {
    SetEveryHealthStatusNotServing(*started.server, started.service_names);
  }
  health_statuses_set->Notify();
  if (started.server == nullptr || started.port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen_address,
                                               " (address in use, or not a valid host:port)"));
  }
  return started;
}

}  // namespace crm::common
