# Reads Los-loop (or DS=pemsd8-partial) in place and caches speeds and all-pairs directed road distances for the experiments (numpy, scipy).
import os, numpy as np
from data import load_speed, load_edges, apsp
DS = os.environ.get('DS', 'los-loop'); CACHE = os.environ.get('KCACHE', '/tmp/h4')
ids, X = load_speed(DS); E = load_edges(DS, ids); Dm = apsp(len(ids), E)
os.makedirs(CACHE, exist_ok=True)
# sig: the std of the given distances, the kernel's distance scale (RoadDistances.givenDistanceStd)
np.savez(CACHE + ('/los.npz' if DS == 'los-loop' else '/' + DS + '.npz'), X=X, Dm=Dm, ids=np.array(ids),
         sig=np.std([d for _, _, d in E]))
