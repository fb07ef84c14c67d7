# Builds the two Lambda functions. `sam build` calls the build-<LogicalId> targets (template.yaml sets
# BuildMethod: makefile) with ARTIFACTS_DIR set; package.sh calls them too, for deployments without SAM CLI.
# The functions are framework-dependent (the managed dotnet10 runtime provides .NET) and ReadyToRun-compiled for
# the architecture they run on: set SGCR_ARCHITECTURE=arm64 for Graviton, matching the template's Architecture.
# SGCR_NATIVE_AOT=true builds both as the Native AOT `bootstrap` executable for the provided.al2023 runtime instead
# (package.sh --native-aot, which also sets Runtime in the templates it writes; docs/deploy.md).

SGCR_ARCHITECTURE ?= x86_64
ifeq ($(SGCR_ARCHITECTURE),arm64)
RID := linux-arm64
else ifeq ($(SGCR_ARCHITECTURE),x86_64)
RID := linux-x64
else
$(error SGCR_ARCHITECTURE must be x86_64 or arm64, not $(SGCR_ARCHITECTURE))
endif

SGCR_NATIVE_AOT ?= false

PUBLISH = dotnet publish --configuration Release --runtime $(RID) --self-contained false \
	-p:PublishReadyToRun=true -p:DebugType=none -p:GenerateDocumentationFile=false --nologo

.PHONY: build-RuleFunction build-RevokeFunction check-artifacts-dir

check-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || (echo "ARTIFACTS_DIR is not set (sam build sets it; package.sh too)" >&2; exit 1)

# One executable serves both functions (it runs the one _HANDLER names); built natively for this machine's architecture only.
PUBLISH_AOT = dotnet publish rule/LambdaRuntime/SgConfigRule.LambdaRuntime.csproj --configuration Release --runtime $(RID) \
	-p:PublishAot=true -p:GenerateDocumentationFile=false --nologo

ifeq ($(SGCR_NATIVE_AOT),true)
build-RuleFunction build-RevokeFunction: check-artifacts-dir
	$(PUBLISH_AOT) --output "$(ARTIFACTS_DIR)"
	rm -f "$(ARTIFACTS_DIR)"/*.dbg "$(ARTIFACTS_DIR)"/*.pdb
else ifeq ($(SGCR_NATIVE_AOT),false)
build-RuleFunction: check-artifacts-dir
	$(PUBLISH) rule/Function/SgConfigRule.Rule.csproj --output "$(ARTIFACTS_DIR)"

build-RevokeFunction: check-artifacts-dir
	$(PUBLISH) automation/Function/SgConfigRule.Remediation.csproj --output "$(ARTIFACTS_DIR)"
else
$(error SGCR_NATIVE_AOT must be true or false, not $(SGCR_NATIVE_AOT))
endif
