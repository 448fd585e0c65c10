import numpy as np, gzip, csv, heapq
D='/work/shared/datasets/'
def load_speed(name):
    with gzip.open(D+name+'/speed.csv.gz','rt') as f:
        r=csv.reader(f); hdr=next(r); ids=hdr[1:]
        X=np.array([[float(x) if x!='' else np.nan for x in row[1:]] for row in r])
    return ids,X
def load_edges(name, ids):
    idx={s:i for i,s in enumerate(ids)}; n=len(ids)
    E=[]
    with open(D+name+'/edges.csv') as f:
        r=csv.reader(f); next(r)
        for a,b,d in r:
            if a in idx and b in idx and a!=b: E.append((idx[a],idx[b],float(d)))
    return E
def apsp(n,E):
    # directed shortest paths dist[i][j] = path i->j
    adj=[[] for _ in range(n)]
    for a,b,d in E: adj[a].append((b,d))
    Dm=np.full((n,n),np.inf)
    for s in range(n):
        dist=Dm[s]; dist[s]=0; pq=[(0,s)]; done=set()
        while pq:
            d,u=heapq.heappop(pq)
            if u in done: continue
            done.add(u)
            for v,w in adj[u]:
                if d+w<dist[v]: dist[v]=d+w; heapq.heappush(pq,(d+w,v))
    return Dm
def read_hidden(path, ids):
    with open(path) as f:
        r=csv.DictReader(f); return [ids.index(row['segment']) for row in r]
