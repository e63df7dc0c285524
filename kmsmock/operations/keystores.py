"""Custom key stores: CreateCustomKeyStore, DescribeCustomKeyStores, UpdateCustomKeyStore,
ConnectCustomKeyStore, DisconnectCustomKeyStore, DeleteCustomKeyStore, and what CreateKey and
GenerateRandom need of them.

The state lives in ``backend.keystore``; here are AWS's rules: which parameters each kind of
store takes, which changes need a disconnected store, what must be unique in an account and
Region, and how the described backing world (clusters, proxies) answers KMS. Where AWS's message
text is not known, the messages say plainly what is wrong, naming the store.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .. import errors
from ..backend.key import Key, new_material
from ..backend.keystore import (
    CLOUDHSM,
    CONNECTED,
    DISCONNECTED,
    DISCONNECTING,
    EXTERNAL,
    FAILED,
    MAX_STORES,
    PUBLIC_ENDPOINT,
    VPC_ENDPOINT_SERVICE,
    CustomKeyStore,
    CustomKeyStores,
    XksProxyConfig,
)
from ..backend.specs import KeySpec
from .paging import page
from .registry import Context, Request, Response, operation

_CLOUDHSM_PARAMS = ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword")
_XKS_PARAMS = (
    "XksProxyConnectivity",
    "XksProxyUriEndpoint",
    "XksProxyUriPath",
    "XksProxyAuthenticationCredential",
    "XksProxyVpcEndpointServiceName",
    "XksProxyVpcEndpointServiceOwner",
)
_VPC_PARAMS = ("XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner")
# What UpdateCustomKeyStore may change while the store is CONNECTED (the rest needs DISCONNECTED).
_WHILE_CONNECTED = {
    CLOUDHSM: frozenset({"NewCustomKeyStoreName"}),
    EXTERNAL: frozenset(
        {"NewCustomKeyStoreName", "XksProxyAuthenticationCredential", "XksProxyUriPath"}
    ),
}
_UPDATABLE = {
    CLOUDHSM: ("NewCustomKeyStoreName", "KeyStorePassword", "CloudHsmClusterId"),
    EXTERNAL: ("NewCustomKeyStoreName", *_XKS_PARAMS),
}
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


# -- lookups and recurring errors ---------------------------------------------------------------


def find_store(ctx: Context, store_id: str) -> CustomKeyStore:
    """The custom key store ``store_id`` of the caller's account and Region, as of now."""
    cks = ctx.store.custom_key_stores.get(store_id)
    if cks is None:
        raise errors.CustomKeyStoreNotFoundException(f"Custom key store {store_id} does not exist.")
    cks.advance(ctx.now)
    return cks


def _not_connected(cks: CustomKeyStore) -> errors.CustomKeyStoreInvalidStateException:
    return errors.CustomKeyStoreInvalidStateException(
        f"Custom key store {cks.id} is not connected. Its connection state is {cks.connection}."
    )


def _must_be_disconnected(cks: CustomKeyStore, action: str) -> errors.KMSError:
    return errors.CustomKeyStoreInvalidStateException(
        f"Custom key store {cks.id} must be DISCONNECTED to {action}. "
        f"Its connection state is {cks.connection}."
    )


def _only_for(req: Request, params: tuple[str, ...], kind: str) -> None:
    for param in params:
        if param in req:
            raise errors.ValidationException(
                f"{param} is valid only for custom key stores with a CustomKeyStoreType of {kind}."
            )


def _required(req: Request, params: tuple[str, ...], kind: str) -> None:
    for param in params:
        if param not in req:
            raise errors.ValidationException(
                f"{param} is required for custom key stores with a CustomKeyStoreType of {kind}."
            )


# -- CloudHSM clusters --------------------------------------------------------------------------


def _is_certificate(text: str) -> bool:
    """Whether ``text`` is a PEM-encoded certificate (base64 of a DER SEQUENCE)."""
    match = _PEM.fullmatch(text.strip())
    if match is None:
        return False
    try:
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(der) > 2 and der[0] == 0x30


def _same_certificate(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def _check_cluster(stores: CustomKeyStores, cluster_id: str) -> None:
    """What CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey need of a cluster."""
    cluster = stores.cluster(cluster_id)
    if not cluster.exists:
        raise errors.CloudHsmClusterNotFoundException(
            f"KMS cannot find the CloudHSM cluster {cluster_id}."
        )
    if not cluster.active:
        raise errors.CloudHsmClusterNotActiveException(
            f"The CloudHSM cluster {cluster_id} is not active."
        )
    if cluster.hsms < 2:
        raise errors.CloudHsmClusterInvalidConfigurationException(
            f"The CloudHSM cluster {cluster_id} must contain at least two active HSMs, each in "
            "a different Availability Zone."
        )


def _check_new_cluster(stores: CustomKeyStores, cluster_id: str, trust_anchor: str) -> None:
    family = stores.cluster(cluster_id).backup_family
    for other in stores.values():
        if other.type != CLOUDHSM or other.cluster_id is None:
            continue
        related = family is not None and stores.cluster(other.cluster_id).backup_family == family
        if other.cluster_id == cluster_id or related:
            raise errors.CloudHsmClusterInUseException(
                f"The CloudHSM cluster {cluster_id} is already associated with custom key store "
                f"{other.id}."
            )
    _check_cluster(stores, cluster_id)
    if not _is_certificate(trust_anchor):
        raise errors.IncorrectTrustAnchorException(
            "The trust anchor certificate is not a PEM-encoded X.509 certificate."
        )
    expected = stores.cluster(cluster_id).trust_anchor
    if expected is not None and not _same_certificate(expected, trust_anchor):
        raise errors.IncorrectTrustAnchorException(
            f"The trust anchor certificate is not the trust anchor certificate of the CloudHSM "
            f"cluster {cluster_id}."
        )


# -- external key store proxies -------------------------------------------------------------------


def _xks_config(ctx: Context, req: Request) -> XksProxyConfig:
    _required(
        req,
        (
            "XksProxyConnectivity",
            "XksProxyUriEndpoint",
            "XksProxyUriPath",
            "XksProxyAuthenticationCredential",
        ),
        EXTERNAL,
    )
    credential = req["XksProxyAuthenticationCredential"]
    config = XksProxyConfig(
        req["XksProxyConnectivity"],
        req["XksProxyUriEndpoint"],
        req["XksProxyUriPath"],
        credential["AccessKeyId"],
        credential["RawSecretAccessKey"],
    )
    if config.connectivity == VPC_ENDPOINT_SERVICE:
        if "XksProxyVpcEndpointServiceName" not in req:
            raise errors.ValidationException(
                "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
                "VPC_ENDPOINT_SERVICE."
            )
        config.vpc_endpoint_service_name = req["XksProxyVpcEndpointServiceName"]
        config.vpc_endpoint_service_owner = req.get("XksProxyVpcEndpointServiceOwner", ctx.account)
    else:
        _vpc_params_refused(req)
    return config


def _vpc_params_refused(req: Request) -> None:
    for param in _VPC_PARAMS:
        if param in req:
            raise errors.ValidationException(
                f"{param} is valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE."
            )


def _check_unique_proxy(
    ctx: Context, stores: CustomKeyStores, config: XksProxyConfig, itself: str | None
) -> None:
    """The uniqueness rules of XksProxyUriEndpoint, XksProxyUriPath and the VPC endpoint
    service, in the account and Region."""
    vpc = config.connectivity == VPC_ENDPOINT_SERVICE
    for other in stores.values():
        theirs = other.xks
        if other.id == itself or theirs is None:
            continue
        if theirs.uri == config.uri:
            raise errors.XksProxyUriInUseException(
                f"The external key store proxy URI {config.uri} is already associated with "
                f"custom key store {other.id}."
            )
        either_vpc = vpc or theirs.connectivity == VPC_ENDPOINT_SERVICE
        if either_vpc and theirs.uri_endpoint == config.uri_endpoint:
            raise errors.XksProxyUriEndpointInUseException(
                f"The XksProxyUriEndpoint {config.uri_endpoint} is already associated with "
                f"custom key store {other.id}."
            )
        if vpc and theirs.vpc_endpoint_service_name == config.vpc_endpoint_service_name:
            raise errors.XksProxyVpcEndpointServiceInUseException(
                f"The VPC endpoint service {config.vpc_endpoint_service_name} is already "
                f"associated with custom key store {other.id}."
            )
    if vpc:
        assert config.vpc_endpoint_service_name is not None
        if config.vpc_endpoint_service_name.split(".")[3] != ctx.region:
            raise errors.XksProxyVpcEndpointServiceNotFoundException(
                f"KMS cannot find the VPC endpoint service {config.vpc_endpoint_service_name} "
                f"in {ctx.region}."
            )


_HEALTH_ERRORS: dict[str, type[errors.KMSError]] = {
    "XKS_PROXY_NOT_REACHABLE": errors.XksProxyUriUnreachableException,
    "XKS_PROXY_TIMED_OUT": errors.XksProxyUriUnreachableException,
    "INVALID_CREDENTIALS": errors.XksProxyIncorrectAuthenticationCredentialException,
    "XKS_PROXY_ACCESS_DENIED": errors.XksProxyIncorrectAuthenticationCredentialException,
    "XKS_PROXY_INVALID_RESPONSE": errors.XksProxyInvalidResponseException,
    "XKS_PROXY_INVALID_CONFIGURATION": errors.XksProxyInvalidConfigurationException,
}


def _check_proxy_health(stores: CustomKeyStores, config: XksProxyConfig) -> None:
    """KMS asks a public proxy for its health (signed with the credential) before creating or
    updating the store; a failure fails the request."""
    proxy = stores.proxy(config.uri_endpoint)
    code = proxy.connect_error
    if not proxy.reachable:
        code = "XKS_PROXY_NOT_REACHABLE"
    elif proxy.credential is not None and proxy.credential != (
        config.access_key_id,
        config.secret,
    ):
        code = "INVALID_CREDENTIALS"
    error = _HEALTH_ERRORS.get(code or "")
    if error is errors.XksProxyUriUnreachableException:
        raise error(f"KMS cannot reach the external key store proxy at {config.uri}.")
    if error is errors.XksProxyIncorrectAuthenticationCredentialException:
        raise error(
            f"The external key store proxy at {config.uri} rejected the proxy authentication "
            "credential."
        )
    if error is not None:
        raise error(f"The external key store proxy at {config.uri} answered with {code}.")


# -- the operations -------------------------------------------------------------------------------


@operation("CreateCustomKeyStore", resource="*")
def create_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    kind = req.get("CustomKeyStoreType", CLOUDHSM)
    name = req["CustomKeyStoreName"]
    xks: XksProxyConfig | None = None
    if kind == CLOUDHSM:
        _only_for(req, _XKS_PARAMS, EXTERNAL)
        _required(req, _CLOUDHSM_PARAMS, CLOUDHSM)
        cluster_id = req["CloudHsmClusterId"]
        trust_anchor = req["TrustAnchorCertificate"]
        password = req["KeyStorePassword"]
        same = stores.named(name)
        if (
            same is not None
            and same.type == CLOUDHSM
            and same.connection == DISCONNECTED
            and (same.cluster_id, same.trust_anchor, same.password)
            == (cluster_id, trust_anchor, password)
        ):
            # AWS: "the likely consequence of a retry": the existing store's id, no error.
            return {"CustomKeyStoreId": same.id}
    else:
        _only_for(req, _CLOUDHSM_PARAMS, CLOUDHSM)
        xks = _xks_config(ctx, req)
    if stores.named(name) is not None:
        raise errors.CustomKeyStoreNameInUseException(
            f"The custom key store name {name} is already in use in this account and Region."
        )
    if len(stores) >= MAX_STORES:
        raise errors.LimitExceededException(
            f"Custom key stores quota for this account in this region is {MAX_STORES}, current "
            f"usage is {len(stores)}."
        )
    if xks is None:
        _check_new_cluster(stores, cluster_id, trust_anchor)
        cks = CustomKeyStore(
            stores.new_id(),
            name,
            CLOUDHSM,
            ctx.now,
            cluster_id=cluster_id,
            trust_anchor=trust_anchor,
            password=password,
        )
    else:
        _check_unique_proxy(ctx, stores, xks, None)
        if xks.connectivity == PUBLIC_ENDPOINT:  # VPC endpoint services are reached on connect
            _check_proxy_health(stores, xks)
        cks = CustomKeyStore(stores.new_id(), name, EXTERNAL, ctx.now, xks=xks)
    stores[cks.id] = cks
    return {"CustomKeyStoreId": cks.id}


def _entry(cks: CustomKeyStore) -> dict[str, Any]:
    out: dict[str, Any] = {
        "CustomKeyStoreId": cks.id,
        "CustomKeyStoreName": cks.name,
        "ConnectionState": cks.connection,
        "CreationDate": cks.created,
        "CustomKeyStoreType": cks.type,
    }
    if cks.connection == FAILED and cks.error_code:
        out["ConnectionErrorCode"] = cks.error_code
    if cks.xks is None:
        out["CloudHsmClusterId"] = cks.cluster_id
        out["TrustAnchorCertificate"] = cks.trust_anchor
    else:
        config: dict[str, Any] = {
            "Connectivity": cks.xks.connectivity,
            "AccessKeyId": cks.xks.access_key_id,  # never the secret
            "UriEndpoint": cks.xks.uri_endpoint,
            "UriPath": cks.xks.uri_path,
        }
        if cks.xks.connectivity == VPC_ENDPOINT_SERVICE:
            config["VpcEndpointServiceName"] = cks.xks.vpc_endpoint_service_name
            config["VpcEndpointServiceOwner"] = cks.xks.vpc_endpoint_service_owner
        out["XksProxyConfiguration"] = config
    return out


@operation("DescribeCustomKeyStores", resource="*")
def describe_custom_key_stores(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    if "CustomKeyStoreId" in req and "CustomKeyStoreName" in req:
        raise errors.ValidationException(
            "You cannot specify both CustomKeyStoreId and CustomKeyStoreName."
        )
    if "CustomKeyStoreId" in req:
        chosen = [find_store(ctx, req["CustomKeyStoreId"])]
    elif "CustomKeyStoreName" in req:
        found = stores.named(req["CustomKeyStoreName"])
        if found is None:
            raise errors.CustomKeyStoreNotFoundException(
                f"Custom key store with name {req['CustomKeyStoreName']} does not exist."
            )
        chosen = [found]
    else:
        chosen = list(stores.values())
    chunk, paging = page(chosen, req, default_limit=100, max_limit=1000)
    for cks in chunk:
        cks.advance(ctx.now)
    return {"CustomKeyStores": [_entry(cks) for cks in chunk], **paging}


@operation("ConnectCustomKeyStore", resource="*")
def connect_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    cks = find_store(ctx, req["CustomKeyStoreId"])
    if cks.connection in (DISCONNECTING, FAILED):
        raise errors.CustomKeyStoreInvalidStateException(
            f"Custom key store {cks.id} cannot be connected while its connection state is "
            f"{cks.connection}. Disconnect it first."
        )
    if cks.connection == DISCONNECTED:
        if cks.cluster_id is not None:
            cluster = stores.cluster(cks.cluster_id)
            if cluster.exists and not cluster.active:
                raise errors.CloudHsmClusterNotActiveException(
                    f"The CloudHSM cluster {cks.cluster_id} is not active."
                )
        cks.connect(ctx.now, stores.connect_delay[cks.type], stores.connect_outcome(cks))
    return {}  # connecting goes on after the answer: DescribeCustomKeyStores shows the state


@operation("DisconnectCustomKeyStore", resource="*")
def disconnect_custom_key_store(ctx: Context, req: Request) -> Response:
    cks = find_store(ctx, req["CustomKeyStoreId"])
    if cks.connection in (DISCONNECTED, DISCONNECTING):
        raise errors.CustomKeyStoreInvalidStateException(
            f"Custom key store {cks.id} is already disconnected."
        )
    cks.disconnect()  # its keys are Unavailable from now on (they ask their store)
    return {}


def _live_keys(ctx: Context, cks: CustomKeyStore) -> list[str]:
    """The ids of the KMS keys still in ``cks`` (keys whose deletion came due are dropped)."""
    for key_id in [k for k in cks.keys if ctx.store.get(k, ctx.now) is None]:
        del cks.keys[key_id]
    return list(cks.keys)


@operation("DeleteCustomKeyStore", resource="*")
def delete_custom_key_store(ctx: Context, req: Request) -> Response:
    cks = find_store(ctx, req["CustomKeyStoreId"])
    if cks.connection != DISCONNECTED:
        raise _must_be_disconnected(cks, "be deleted")
    if _live_keys(ctx, cks):
        raise errors.CustomKeyStoreHasCMKsException(
            f"Custom key store {cks.id} contains KMS keys. Delete them (ScheduleKeyDeletion) "
            "before deleting the custom key store."
        )
    del ctx.store.custom_key_stores[cks.id]
    return {}


@operation("UpdateCustomKeyStore", resource="*")
def update_custom_key_store(ctx: Context, req: Request) -> Response:
    stores = ctx.store.custom_key_stores
    cks = find_store(ctx, req["CustomKeyStoreId"])
    if cks.type == CLOUDHSM:
        _only_for(req, _XKS_PARAMS, EXTERNAL)
    else:
        _only_for(req, ("KeyStorePassword", "CloudHsmClusterId"), CLOUDHSM)
    changes = [p for p in _UPDATABLE[cks.type] if p in req]
    if cks.connection != DISCONNECTED:
        needs_disconnect = [p for p in changes if p not in _WHILE_CONNECTED[cks.type]]
        if needs_disconnect:
            raise _must_be_disconnected(cks, "update " + ", ".join(needs_disconnect))
        if cks.connection != CONNECTED:
            raise errors.CustomKeyStoreInvalidStateException(
                f"Custom key store {cks.id} must be CONNECTED or DISCONNECTED to be updated. "
                f"Its connection state is {cks.connection}."
            )
    name = req.get("NewCustomKeyStoreName")
    if name is not None and name != cks.name and stores.named(name) is not None:
        raise errors.CustomKeyStoreNameInUseException(
            f"The custom key store name {name} is already in use in this account and Region."
        )
    if cks.type == CLOUDHSM:
        cluster_id = req.get("CloudHsmClusterId", cks.cluster_id)
        assert cluster_id is not None
        assert cks.cluster_id is not None
        if cluster_id != cks.cluster_id:
            _check_related_cluster(stores, cks.cluster_id, cluster_id)
        cks.cluster_id = cluster_id
        cks.password = req.get("KeyStorePassword", cks.password)
    else:
        assert cks.xks is not None
        config = _updated_proxy(ctx, req, cks.xks)
        if config != cks.xks:
            _check_unique_proxy(ctx, stores, config, cks.id)
            if config.connectivity == PUBLIC_ENDPOINT:
                _check_proxy_health(stores, config)
        cks.xks = config
    if name is not None:
        cks.name = name
    return {}


def _check_related_cluster(stores: CustomKeyStores, current: str, new: str) -> None:
    _check_cluster(stores, new)
    ours, theirs = stores.cluster(current).backup_family, stores.cluster(new).backup_family
    if ours is not None and theirs is not None and ours != theirs:
        raise errors.CloudHsmClusterNotRelatedException(
            f"The CloudHSM cluster {new} does not share a backup history with the CloudHSM "
            f"cluster {current}."
        )


def _updated_proxy(ctx: Context, req: Request, old: XksProxyConfig) -> XksProxyConfig:
    connectivity = req.get("XksProxyConnectivity", old.connectivity)
    new = replace(
        old,
        connectivity=connectivity,
        uri_endpoint=req.get("XksProxyUriEndpoint", old.uri_endpoint),
        uri_path=req.get("XksProxyUriPath", old.uri_path),
    )
    if "XksProxyAuthenticationCredential" in req:
        credential = req["XksProxyAuthenticationCredential"]
        new.access_key_id = credential["AccessKeyId"]
        new.secret = credential["RawSecretAccessKey"]
    if connectivity != old.connectivity and "XksProxyUriEndpoint" not in req:
        raise errors.ValidationException(
            f"XksProxyUriEndpoint must be changed when XksProxyConnectivity changes to "
            f"{connectivity}."
        )
    if connectivity == PUBLIC_ENDPOINT:
        _vpc_params_refused(req)
        new.vpc_endpoint_service_name = new.vpc_endpoint_service_owner = None
    else:
        if connectivity != old.connectivity and "XksProxyVpcEndpointServiceName" not in req:
            raise errors.ValidationException(
                "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is "
                "VPC_ENDPOINT_SERVICE."
            )
        new.vpc_endpoint_service_name = req.get(
            "XksProxyVpcEndpointServiceName", old.vpc_endpoint_service_name
        )
        new.vpc_endpoint_service_owner = req.get(
            "XksProxyVpcEndpointServiceOwner", old.vpc_endpoint_service_owner or ctx.account
        )
    return new


# -- what other operations need of custom key stores ---------------------------------------------


@dataclass(slots=True)
class Placement:
    """Where CreateKey puts a new KMS key: a custom key store, and for an external key store
    the external key that backs it."""

    store: CustomKeyStore
    xks_key_id: str | None

    def admit(self, key: Key, now: datetime) -> None:
        key.custom_key_store_id = self.store.id
        # The key material KMS uses here: in CloudHSM it lives in the cluster; in an external
        # key store it is KMS's half of double encryption (the external key is the other).
        key.materials.append(new_material(now, None))
        self.store.keys[key.key_id] = self.xks_key_id


def placement(ctx: Context, req: Request, spec: KeySpec, origin: str) -> Placement | None:
    """CreateKey's custom-key-store rules (Origin, CustomKeyStoreId, XksKeyId); None when the
    key is not created in a custom key store."""
    store_id = req.get("CustomKeyStoreId")
    xks_key_id = req.get("XksKeyId")
    if xks_key_id is not None and origin != EXTERNAL:
        raise errors.ValidationException(
            "XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE."
        )
    if origin in (CLOUDHSM, EXTERNAL):
        if store_id is None:
            raise errors.ValidationException(
                f"CustomKeyStoreId must be specified when Origin is {origin}."
            )
        if origin == EXTERNAL and xks_key_id is None:
            raise errors.ValidationException(
                "XksKeyId must be specified when Origin is EXTERNAL_KEY_STORE."
            )
    elif store_id is not None:
        raise errors.ValidationException(
            f"Origin {origin} is not valid with CustomKeyStoreId. Use AWS_CLOUDHSM for a "
            "CloudHSM key store or EXTERNAL_KEY_STORE for an external key store."
        )
    if store_id is None:
        return None
    cks = find_store(ctx, store_id)
    if cks.type != origin:
        raise errors.UnsupportedOperationException(
            f"Custom key store {cks.id} is of type {cks.type}. Its KMS keys must have Origin "
            f"{cks.type}."
        )
    if spec.name != "SYMMETRIC_DEFAULT":
        raise errors.UnsupportedOperationException(
            f"KeySpec {spec.name} is not supported in a custom key store. KMS keys in a custom "
            "key store must be symmetric encryption keys (SYMMETRIC_DEFAULT)."
        )
    if req.get("MultiRegion"):
        raise errors.UnsupportedOperationException(
            "Multi-Region keys cannot be created in a custom key store."
        )
    if not cks.connected:
        raise _not_connected(cks)
    stores = ctx.store.custom_key_stores
    if cks.cluster_id is not None:
        _check_cluster(stores, cks.cluster_id)
        return Placement(cks, None)
    assert cks.xks is not None
    assert xks_key_id is not None
    known = stores.proxy(cks.xks.uri_endpoint).external_keys
    if known is not None and xks_key_id not in known:
        raise errors.XksKeyNotFoundException(
            f"The external key store proxy cannot find the external key {xks_key_id}."
        )
    if known is not None and not known[xks_key_id]:
        raise errors.XksKeyInvalidConfigurationException(
            f"The external key {xks_key_id} is not an enabled AES-256 symmetric key that "
            "encrypts and decrypts."
        )
    for key_id, used in list(cks.keys.items()):
        if used == xks_key_id and ctx.store.get(key_id, ctx.now) is not None:
            raise errors.XksKeyAlreadyInUseException(
                f"The external key {xks_key_id} is already associated with KMS key "
                f"{ctx.store.key_arn(key_id)} in custom key store {cks.id}."
            )
    return Placement(cks, xks_key_id)


def require_random_source(ctx: Context, store_id: str) -> None:
    """GenerateRandom in a custom key store: only a connected CloudHSM key store."""
    cks = find_store(ctx, store_id)
    if cks.type == EXTERNAL:
        raise errors.UnsupportedOperationException(
            f"Custom key store {cks.id} is an external key store. GenerateRandom supports only "
            "CloudHSM key stores."
        )
    if not cks.connected:
        raise _not_connected(cks)
