"""Projection for myelin.

Where pre and post are whole Populations (or Assemblies of them, for
the rules that draw each pair of populations alike) and the connector is
one that myelin draws itself (AllToAll, OneToOne, FixedProbability,
FixedNumberPre, FixedNumberPost, FixedTotalNumber) with constant or
normal/uniform weights and delays, the projection becomes myelin's own
connection rules: drawn in parallel on the ranks that need it, never in
Python. Any
other connector (FromList, FromFile, distance-dependent, array, ...) or a
PopulationView or Assembly is connected by PyNN's own connector code, and
the connections go to myelin as listed ones (from_list), one per pair of
populations.
"""
import operator

import numpy as np

from pyNN import common, connectors, errors, random
from pyNN.space import Space

from . import simulator
from .standardmodels import StaticSynapse


_NATIVE = {
    connectors.AllToAllConnector: "all_to_all",
    connectors.OneToOneConnector: "one_to_one",
    connectors.FixedProbabilityConnector: "pairwise_bernoulli",
    connectors.FixedNumberPreConnector: "fixed_indegree",
    connectors.FixedNumberPostConnector: "fixed_outdegree",
    connectors.FixedTotalNumberConnector: "fixed_total_number",
}


def native_value(value, scale):
    """A myelin Value for a PyNN parameter (a LazyArray whose only
    operations are the translation's scalings) that is a number or a
    normal, clipped normal or uniform RandomDistribution, times `scale`;
    None for anything else."""
    import myelin
    v = value.base_value if hasattr(value, "base_value") else value
    for op in getattr(value, "operations", []):
        f, arg = op[0], op[1] if len(op) > 1 else None
        if f is operator.mul and np.isscalar(arg):
            scale *= arg
        elif f is operator.truediv and np.isscalar(arg):
            scale /= arg
        else:
            return None
    if isinstance(v, (int, float, np.floating, np.integer)):
        return myelin.Value(float(v) * scale)
    if isinstance(v, random.RandomDistribution):
        p = v.parameters
        lo, hi = (-np.inf, np.inf)
        if v.name == "normal":
            mean, std = p["mu"], p["sigma"]
        elif v.name == "normal_clipped":
            mean, std, lo, hi = p["mu"], p["sigma"], p.get("low", -np.inf), p.get("high", np.inf)
        elif v.name == "uniform":
            a, b = sorted((p["low"] * scale, p["high"] * scale))
            return myelin.Value.uniform(a, b)
        else:
            return None
        bounds = sorted((lo * scale, hi * scale))
        return myelin.Value.normal(mean * scale, abs(std * scale), bounds[0], bounds[1])
    return None


def _ints(cells):
    """IDs as int64 (an ID answers numpy's attribute probes with its parameters)."""
    return np.fromiter((int(c) for c in cells), dtype=np.int64, count=len(cells))


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        simulator.state.require_unbuilt("creating a Projection")
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if source not in (None, "spike"):
            raise NotImplementedError(f"pyNN.myelin: projections from source '{source}' (only spikes)")
        if self.receptor_type not in ("excitatory", "inhibitory"):
            raise NotImplementedError(f"pyNN.myelin: receptor type '{self.receptor_type}' "
                                      "(myelin's models have excitatory and inhibitory synapses)")
        self._spec_indices = []  # myelin projections, set at build
        self.native = self._native_rule()
        self._chunks = []
        if self.native is None:
            connector.connect(self)
        self.lists = self._group_lists()
        simulator.state.projections.append(self)

    # -- what the build turns into myelin projections --------------------

    @property
    def weight_scale(self):
        """Native weight per native PyNN weight: the cell's receptor_scale
        (Izhikevich: mV). myelin's sign picks the receptor: PyNN's
        inhibitory weights are negative onto current-based cells already,
        positive onto conductance-based ones."""
        scale = getattr(self._post_celltype, "receptor_scale", 1.0)
        flip = self.receptor_type == "inhibitory" and getattr(self._post_celltype, "conductance_based", True)
        return -scale if flip else scale

    @property
    def _post_celltype(self):
        """The target cells' type; an Assembly's populations must agree on
        how they take weights."""
        if hasattr(self.post, "celltype"):
            return self.post.celltype
        types = [p.celltype for p in self.post.populations]
        kinds = {(getattr(t, "receptor_scale", 1.0), getattr(t, "conductance_based", True)) for t in types}
        if len(kinds) > 1:
            raise NotImplementedError("pyNN.myelin: a projection onto an Assembly whose cell types take weights "
                                      "differently (current- and conductance-based, or Izhikevich)")
        return types[0]

    def _native_pairs(self, rule):
        """The (pre, post) Populations a native rule connects: the two
        Populations, or those of an Assembly of whole Populations where the
        rule draws per pair of populations the same (a pre-side Assembly:
        all_to_all and pairwise_bernoulli; a post-side one: also
        fixed_indegree). None where the rule cannot run natively."""
        from .populations import Population

        def parts(group, allowed):
            if isinstance(group, Population):
                return [group]
            pops = getattr(group, "populations", None)
            if allowed and pops and all(isinstance(p, Population) for p in pops):
                return list(pops)
            return None
        per_pair = rule in ("all_to_all", "pairwise_bernoulli")
        pre = parts(self.pre, per_pair)
        post = parts(self.post, per_pair or rule == "fixed_indegree")
        if pre is None or post is None:
            return None
        return [(a, b) for a in pre for b in post]

    def _native_rule(self):
        rule = _NATIVE.get(type(self._connector))
        self.native_pairs = self._native_pairs(rule) if rule else None
        if self.native_pairs is None:
            return None
        params = self.synapse_type.native_parameters
        weight = native_value(params["weight"], self.weight_scale)
        delay = native_value(params["delay"], 1.0)
        if weight is None or delay is None:
            return None
        self._check_sign(weight)
        c = self._connector
        n = getattr(c, "n", None)
        if n is not None and not isinstance(n, (int, np.integer)):
            return None  # a random number of connections: PyNN draws it
        # A connector's rng is not used: myelin draws from its own keyed
        # streams (setup(rng_seed=...)), the same on any number of ranks.
        spec = dict(rule=rule, weight=weight, delay=delay)
        autapses = getattr(c, "allow_self_connections", True)
        if autapses not in (True, False):
            return None  # "NoMutualConnections"
        spec["allow_autapses"] = bool(autapses)
        spec["allow_multapses"] = bool(getattr(c, "with_replacement", True))
        if rule == "pairwise_bernoulli":
            spec["p"] = float(c.p_connect)
        elif rule in ("fixed_indegree", "fixed_outdegree", "fixed_total_number"):
            spec[{"fixed_indegree": "indegree", "fixed_outdegree": "outdegree", "fixed_total_number": "N"}[rule]] = int(n)
        return spec

    def _check_sign(self, weight):
        """PyNN's rule (pyNN.standardmodels.check_weights), for weights
        that PyNN's connector code does not see."""
        lo, hi = sorted((weight.lower / self.weight_scale, weight.upper / self.weight_scale))
        current_inh = self.receptor_type == "inhibitory" and not getattr(self._post_celltype, "conductance_based", True)
        if current_inh and hi > 0:
            raise errors.ConnectionError("Weights must be negative for current-based, inhibitory synapses")
        if not current_inh and lo < 0:
            raise errors.ConnectionError("Weights must be positive for conductance-based and/or excitatory synapses")

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **connection_parameters):
        pre = _ints(self.pre.all_cells[np.asarray(presynaptic_indices, dtype=np.int64)])
        post_id = int(self.post.all_cells[postsynaptic_index])
        n = pre.size
        values = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy() for k, v in connection_parameters.items()
                  if k in ("weight", "delay")}
        self._chunks.append((pre, np.full(n, post_id, dtype=np.int64), values["weight"], values["delay"]))

    def _group_lists(self):
        """Listed connections as {(pre population, post population): arrays}."""
        if not self._chunks:
            return {}
        pre = np.concatenate([c[0] for c in self._chunks])
        post = np.concatenate([c[1] for c in self._chunks])
        weight = np.concatenate([c[2] for c in self._chunks]) * self.weight_scale
        delay = np.concatenate([c[3] for c in self._chunks])
        self._chunks = []
        pops = simulator.state.populations
        firsts = np.array([int(p.first_id) for p in pops])
        pre_pop = np.searchsorted(firsts, pre, side="right") - 1
        post_pop = np.searchsorted(firsts, post, side="right") - 1
        groups = {}
        for a in np.unique(pre_pop):
            for b in np.unique(post_pop[pre_pop == a]):
                m = (pre_pop == a) & (post_pop == b)
                order = np.argsort(post[m], kind="stable")
                groups[(pops[a], pops[b])] = dict(
                    sources=(pre[m] - firsts[a])[order], targets=(post[m] - firsts[b])[order],
                    weights=weight[m][order], delays=delay[m][order])
        return groups

    # -- PyNN's queries ---------------------------------------------------

    def _connections(self):
        """[(pre population, post population, {sources, targets, weights, delays})] as they are now
        (before the first run, a projection myelin draws is drawn in a
        network of what is declared so far: a build of that much)."""
        state = simulator.state
        if state.sim is None and self.native is None:
            return [(a, b, l) for (a, b), l in self.lists.items()]
        if state.sim is None:
            from .build import preview_connections
            return preview_connections(state, self)
        return [(a, b, state.sim.connections(k)) for (a, b), k in self._spec_indices]

    def __len__(self):
        return int(sum(len(c["targets"]) for _, _, c in self._connections()))

    def _index_in(self, group, population, node_ids):
        """Indices into this projection's pre or post (a Population, view or Assembly)."""
        ids = np.asarray(node_ids, dtype=np.int64) + int(population.first_id)
        cells = _ints(group.all_cells)
        order = np.argsort(cells)
        return order[np.searchsorted(cells, ids, sorter=order)]

    def _arrays(self):
        pre, post, w, d = [], [], [], []
        for a, b, c in self._connections():
            pre.append(self._index_in(self.pre, a, c["sources"]))
            post.append(self._index_in(self.post, b, c["targets"]))
            w.append(np.asarray(c["weights"]) / (1000.0 * self.weight_scale))  # pA (nS) -> nA (uS)
            d.append(np.asarray(c["delays"]))
        if not pre:
            return [np.zeros(0)] * 4
        return [np.concatenate(x) for x in (pre, post, w, d)]

    def _values(self, names):
        pre, post, w, d = self._arrays()
        columns = {"presynaptic_index": pre, "postsynaptic_index": post, "weight": w, "delay": d}
        for name in names:
            if name not in columns:
                raise NotImplementedError(f"pyNN.myelin: reading '{name}' of a projection (weight and delay only)")
        return [columns[n] for n in names]

    def get(self, attribute_names, format, gather=True, with_address=True, multiple_synapses="sum"):
        # Every rank holds every connection (simulator doc): no gathering.
        return super().get(attribute_names, format, False, with_address, multiple_synapses)

    def save(self, attribute_names, file, format="list", gather=True, with_address=True):
        # Every rank holds every connection; the real rank 0 writes them.
        if simulator.state.rank == 0:
            super().save(attribute_names, file, format, gather, with_address)

    def _get_attributes_as_list(self, names):
        columns = self._values(names)
        return [tuple(row) for row in zip(*columns)] if columns else []

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        op = common.Projection.MULTI_SYNAPSE_OPERATIONS[multiple_synapses]
        pre, post = self._values(["presynaptic_index", "postsynaptic_index"])
        out = []
        for name in names:
            (values,) = self._values([name[:-1] if name.endswith("s") else name])
            a = np.full((self.pre.size, self.post.size), np.nan)
            for i, j, v in zip(pre.astype(int), post.astype(int), values):
                a[i, j] = v if np.isnan(a[i, j]) else op(a[i, j], v)
            out.append(a)
        return out

    def _set_attributes(self, parameter_space):
        simulator.state.require_unbuilt("setting weights or delays of a projection")
        names = list(parameter_space.keys())
        for name in names:
            if name not in ("weight", "delay"):
                raise NotImplementedError(f"pyNN.myelin: setting '{name}' per connection")
        if self.native is not None:
            values = {n: native_value(parameter_space[n], self.weight_scale if n == "weight" else 1.0) for n in names}
            if all(v is not None for v in values.values()):
                if "weight" in values:
                    self._check_sign(values["weight"])
                self.native.update(values)
                return
            # Values per connection: let PyNN draw the connections as a list.
            self.native = None
            self._connector.connect(self)
            self.lists = self._group_lists()
        parameter_space.evaluate(simplify=False)
        for (a, b), l in self.lists.items():
            i = self._index_in(self.pre, a, l["sources"])
            j = self._index_in(self.post, b, l["targets"])
            for name, value in parameter_space.items():
                v = np.asarray(value, dtype=float)
                v = v[i, j] if v.ndim == 2 else np.broadcast_to(v, i.shape)
                l["weights" if name == "weight" else "delays"] = v * (self.weight_scale if name == "weight" else 1.0)
