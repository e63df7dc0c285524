"""The rules of the two custom key store types, AWS_CLOUDHSM and EXTERNAL_KEY_STORE: which
parameters each takes, what must be unique in an account and Region, which changes need a
disconnected store, what a KMS key in a store must be — and which error each check gives.

The operations (``operations.keystores``) translate requests into these checks; what the
world outside KMS answers (clusters, proxies) is asked of ``outside``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Collection

from .. import errors
from .keystore import (
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
from .outside import check_backup_history, check_vpc_endpoint_service

# -- which parameters each type takes -----------------------------------------------------------

CLOUDHSM_PARAMS = ("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword")
XKS_PARAMS = (
    "XksProxyConnectivity",
    "XksProxyUriEndpoint",
    "XksProxyUriPath",
    "XksProxyAuthenticationCredential",
    "XksProxyVpcEndpointServiceName",
    "XksProxyVpcEndpointServiceOwner",
)
XKS_REQUIRED = XKS_PARAMS[:4]
VPC_PARAMS = ("XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner")
# What UpdateCustomKeyStore may change while the store is CONNECTED (the rest needs DISCONNECTED).
WHILE_CONNECTED = {
    CLOUDHSM: frozenset({"NewCustomKeyStoreName"}),
    EXTERNAL: frozenset(
        {"NewCustomKeyStoreName", "XksProxyAuthenticationCredential", "XksProxyUriPath"}
    ),
}
UPDATABLE = {
    CLOUDHSM: ("NewCustomKeyStoreName", "KeyStorePassword", "CloudHsmClusterId"),
    EXTERNAL: ("NewCustomKeyStoreName", *XKS_PARAMS),
}


def refuse_params(given: Collection[str], params: tuple[str, ...], store_type: str) -> None:
    """``params`` belong to the other type (``store_type``) of store."""
    for param in params:
        if param in given:
            raise errors.CKS_PARAMETER_ONLY_FOR(parameter=param, store_type=store_type)


def require_params(given: Collection[str], params: tuple[str, ...], store_type: str) -> None:
    for param in params:
        if param not in given:
            raise errors.CKS_PARAMETER_REQUIRED(parameter=param, store_type=store_type)


def refuse_vpc_params(given: Collection[str]) -> None:
    """A proxy reached on a public endpoint has no VPC endpoint service."""
    for param in VPC_PARAMS:
        if param in given:
            raise errors.VPC_PARAMETER_ONLY_FOR(parameter=param)


# -- what must be unique, and the quota ---------------------------------------------------------


def check_name_free(stores: CustomKeyStores, name: str) -> None:
    if stores.named(name) is not None:
        raise errors.CKS_NAME_IN_USE(name=name)


def check_quota(stores: CustomKeyStores) -> None:
    if len(stores) >= MAX_STORES:
        raise errors.CKS_LIMIT(limit=MAX_STORES, usage=len(stores))


def retried(
    stores: CustomKeyStores, name: str, cluster_id: str, trust_anchor: str, password: str
) -> CustomKeyStore | None:
    """A disconnected CloudHSM key store made by the same request: AWS calls a repeat "the
    likely consequence of a retry" and answers with the existing store, no error."""
    same = stores.named(name)
    if (
        same is not None
        and same.type == CLOUDHSM
        and same.connection == DISCONNECTED
        and (same.cluster_id, same.trust_anchor, same.password)
        == (cluster_id, trust_anchor, password)
    ):
        return same
    return None


# -- CloudHSM key stores ------------------------------------------------------------------------

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def is_certificate(text: str) -> bool:
    """Whether ``text`` is a PEM-encoded certificate (base64 of a DER SEQUENCE)."""
    match = _PEM.fullmatch(text.strip())
    if match is None:
        return False
    try:
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(der) > 2 and der[0] == 0x30


def check_new_cluster(stores: CustomKeyStores, cluster_id: str, trust_anchor: str) -> None:
    """A cluster (or one sharing its backup history) backs at most one store; it must be
    usable and the trust anchor its own."""
    family = stores.cluster(cluster_id).backup_family
    for other in stores.values():
        if other.type != CLOUDHSM or other.cluster_id is None:
            continue
        related = family is not None and stores.cluster(other.cluster_id).backup_family == family
        if other.cluster_id == cluster_id or related:
            raise errors.CLUSTER_IN_USE(cluster_id=cluster_id, store_id=other.id)
    stores.cluster(cluster_id).check_usable(cluster_id)
    if not is_certificate(trust_anchor):
        raise errors.TRUST_ANCHOR_NOT_A_CERTIFICATE()
    stores.cluster(cluster_id).check_trust_anchor(cluster_id, trust_anchor)


def check_cluster_change(stores: CustomKeyStores, current: str, new: str) -> None:
    """UpdateCustomKeyStore's new cluster: usable, and related to the store's own."""
    stores.cluster(new).check_usable(new)
    check_backup_history(current, stores.cluster(current), new, stores.cluster(new))


# -- external key stores ------------------------------------------------------------------------


def check_unique_proxy(
    stores: CustomKeyStores, config: XksProxyConfig, itself: str | None, region: str
) -> None:
    """The uniqueness rules of XksProxyUriEndpoint, XksProxyUriPath and the VPC endpoint
    service in the account and Region (``itself``: the store being updated, if any)."""
    vpc = config.connectivity == VPC_ENDPOINT_SERVICE
    for other in stores.values():
        theirs = other.xks
        if other.id == itself or theirs is None:
            continue
        if theirs.uri == config.uri:
            raise errors.XKS_URI_IN_USE(uri=config.uri, store_id=other.id)
        either_vpc = vpc or theirs.connectivity == VPC_ENDPOINT_SERVICE
        if either_vpc and theirs.uri_endpoint == config.uri_endpoint:
            raise errors.XKS_URI_ENDPOINT_IN_USE(
                uri_endpoint=config.uri_endpoint, store_id=other.id
            )
        if vpc and theirs.vpc_endpoint_service_name == config.vpc_endpoint_service_name:
            raise errors.XKS_VPC_SERVICE_IN_USE(
                service_name=config.vpc_endpoint_service_name, store_id=other.id
            )
    if vpc:
        assert config.vpc_endpoint_service_name is not None
        check_vpc_endpoint_service(config.vpc_endpoint_service_name, region)


def check_proxy_health(stores: CustomKeyStores, config: XksProxyConfig) -> None:
    """A proxy on a public endpoint is asked for its health before the store is created or
    changed; one behind a VPC endpoint service is reached only on connect."""
    if config.connectivity == PUBLIC_ENDPOINT:
        proxy = stores.proxy(config.uri_endpoint)
        proxy.check_health(config.uri, config.access_key_id, config.secret)


# -- connection state ---------------------------------------------------------------------------


def require_connected(cks: CustomKeyStore) -> None:
    if not cks.connected:
        raise errors.CKS_NOT_CONNECTED(store_id=cks.id, connection=cks.connection)


def require_disconnected(cks: CustomKeyStore, action: str) -> None:
    if cks.connection != DISCONNECTED:
        raise errors.CKS_MUST_BE_DISCONNECTED(
            store_id=cks.id, action=action, connection=cks.connection
        )


def check_connectable(stores: CustomKeyStores, cks: CustomKeyStore) -> None:
    if cks.connection in (DISCONNECTING, FAILED):
        raise errors.CKS_CANNOT_CONNECT(store_id=cks.id, connection=cks.connection)
    if cks.connection == DISCONNECTED and cks.cluster_id is not None:
        stores.cluster(cks.cluster_id).check_connectable(cks.cluster_id)


def check_disconnectable(cks: CustomKeyStore) -> None:
    if cks.connection in (DISCONNECTED, DISCONNECTING):
        raise errors.CKS_ALREADY_DISCONNECTED(store_id=cks.id)


def check_updatable(cks: CustomKeyStore, changes: list[str]) -> None:
    """A connected store may change only some settings; one connecting or failed, none."""
    if cks.connection == DISCONNECTED:
        return
    needs_disconnect = [p for p in changes if p not in WHILE_CONNECTED[cks.type]]
    if needs_disconnect:
        require_disconnected(cks, "update " + ", ".join(needs_disconnect))
    if cks.connection != CONNECTED:
        raise errors.CKS_NOT_UPDATABLE(store_id=cks.id, connection=cks.connection)


# -- KMS keys in custom key stores, and random bytes from them -----------------------------------


def check_origin(origin: str, store_id: str | None, xks_key_id: str | None) -> None:
    """CreateKey's Origin, CustomKeyStoreId and XksKeyId must agree."""
    if xks_key_id is not None and origin != EXTERNAL:
        raise errors.XKS_KEY_ID_WITHOUT_XKS_ORIGIN()
    if origin in (CLOUDHSM, EXTERNAL):
        if store_id is None:
            raise errors.CKS_ID_REQUIRED(origin=origin)
        if origin == EXTERNAL and xks_key_id is None:
            raise errors.XKS_KEY_ID_REQUIRED()
    elif store_id is not None:
        raise errors.ORIGIN_WITH_CKS_ID(origin=origin)


def check_new_key(cks: CustomKeyStore, origin: str, key_spec: str, multi_region: bool) -> None:
    """A KMS key in a custom key store: the store's Origin, symmetric, single-Region, and the
    store connected."""
    if cks.type != origin:
        raise errors.CKS_ORIGIN_MISMATCH(store_id=cks.id, store_type=cks.type)
    if key_spec != "SYMMETRIC_DEFAULT":
        raise errors.CKS_KEY_SPEC(key_spec=key_spec)
    if multi_region:
        raise errors.CKS_MULTI_REGION()
    require_connected(cks)


def check_external_key_free(
    cks: CustomKeyStore, xks_key_id: str, live_key_arn: Callable[[str], str | None]
) -> None:
    """An external key backs at most one live KMS key in a store (``live_key_arn``: a KMS
    key's ARN while it exists, None once deleted)."""
    for key_id, used in list(cks.keys.items()):
        if used == xks_key_id:
            arn = live_key_arn(key_id)
            if arn is not None:
                raise errors.XKS_KEY_IN_USE(xks_key_id=xks_key_id, key_arn=arn, store_id=cks.id)


def check_random_source(cks: CustomKeyStore) -> None:
    """GenerateRandom in a custom key store: only a connected CloudHSM key store."""
    if cks.type == EXTERNAL:
        raise errors.XKS_NO_RANDOM(store_id=cks.id)
    require_connected(cks)
