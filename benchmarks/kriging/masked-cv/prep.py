# Reads Los-loop in place and caches speeds and all-pairs directed road distances for the experiments (numpy, scipy).
import os, numpy as np
from data import load_speed, load_edges, apsp
ids, X = load_speed('los-loop'); E = load_edges('los-loop', ids); Dm = apsp(len(ids), E)
os.makedirs('/tmp/h4', exist_ok=True)
np.savez('/tmp/h4/los.npz', X=X, Dm=Dm, ids=np.array(ids))
